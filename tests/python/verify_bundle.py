"""Independent verifier of an Origine certificate bundle.

This script shares no code with Origine: it re-implements the checks from the
specification with Python's `cryptography` and `rfc8785` packages only, so a
bug in Origine's Rust code cannot hide itself by being used on both sides.

Usage: python3 verify_bundle.py BUNDLE.json KEYS.json
Prints "ok" and exits 0 if the bundle is valid; otherwise prints the reason on
stderr and exits 1.
"""

import base64
import hashlib
import json
import re
import sys

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Invalid(Exception):
    """The bundle does not verify; the message says why."""


def b64url(text: str) -> bytes:
    """Decodes base64url, with or without padding; rejects any other character."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise Invalid(f"not base64url: {text!r}")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(issuer: str, public_key: bytes) -> str:
    """C2SP signed-note key ID: SHA-256(name || 0x0A || 0x01 || key)[:4], in hex."""
    return hashlib.sha256(issuer.encode() + b"\n\x01" + public_key).digest()[:4].hex()


def verify(bundle: dict, keys: dict) -> None:
    certificate = bundle["certificate"]
    message = rfc8785.dumps(certificate)
    if hashlib.sha256(message).hexdigest() != bundle["hash"]:
        raise Invalid("hash does not match SHA-256 of JCS(certificate)")

    kid = bundle["kid"]
    listed = [k for k in keys["keys"] if k["kid"] == kid]
    if len(listed) != 1:
        raise Invalid(f"key {kid!r} not found exactly once in the keys document")
    key = listed[0]
    if key["status"] == "withdrawn":
        raise Invalid(f"key {kid} is withdrawn")
    if key["alg"] != "Ed25519":
        raise Invalid(f"key {kid} has unsupported alg {key['alg']!r}")

    public_key = b64url(key["public_key"])
    if len(public_key) != 32:
        raise Invalid(f"key {kid} is {len(public_key)} bytes, not 32")
    if key_id(keys["issuer"], public_key) != kid:
        raise Invalid(f"kid {kid} is not the key ID of issuer {keys['issuer']!r} and its key")
    if certificate["issuer"]["kid"] != kid:
        raise Invalid("certificate issuer.kid differs from the bundle kid")

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(b64url(bundle["signature"]), message)
    except InvalidSignature:
        raise Invalid("Ed25519 signature does not verify") from None


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} BUNDLE.json KEYS.json", file=sys.stderr)
        return 1
    try:
        with open(argv[1], "rb") as f:
            bundle = json.load(f)
        with open(argv[2], "rb") as f:
            keys = json.load(f)
        verify(bundle, keys)
    except Invalid as e:
        print(f"invalid: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"invalid: malformed input: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
