"""Independent check of an Origine W3C Verifiable Credential (eddsa-jcs-2022, did:web).

Shares no code with Origine: takes the verification method's key from the DID document it
is given (a did.json fetched from the issuer), decodes the Multikey itself, canonicalises
with `rfc8785`, and verifies the Ed25519 signature with `cryptography`, as the W3C Data
Integrity EdDSA Cryptosuites specification describes.
Usage: verify_vc.py CREDENTIAL.json DID.json
"""

import hashlib
import json
import sys

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + ALPHABET.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def key_from_did_document(document: dict, method: str) -> bytes:
    """The Ed25519 key of `method` if the DID document lists it for assertions."""
    did = document["id"]
    absolute = lambda ref: did + ref if ref.startswith("#") else ref  # noqa: E731
    if method.split("#")[0] != did or method not in map(absolute, document.get("assertionMethod", [])):
        raise ValueError(f"{method} is not an assertion method of {did}")
    for vm in document.get("verificationMethod", []):
        if absolute(vm["id"]) == method and vm["type"] == "Multikey":
            decoded = b58decode(vm["publicKeyMultibase"][1:])
            if vm["publicKeyMultibase"][0] != "z" or decoded[:2] != b"\xed\x01" or len(decoded) != 34:
                raise ValueError("not an Ed25519 Multikey")
            return decoded[2:]
    raise ValueError(f"{method} is not in the DID document")


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        secured = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        did_document = json.load(f)
    proof = dict(secured.pop("proof"))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        print("not an eddsa-jcs-2022 proof", file=sys.stderr)
        return 1
    if proof.get("proofPurpose") != "assertionMethod":
        print("not an assertion proof", file=sys.stderr)
        return 1
    proof_value = proof.pop("proofValue")
    try:
        public_key = key_from_did_document(did_document, proof["verificationMethod"])
    except (KeyError, ValueError) as e:
        print(f"no key: {e}", file=sys.stderr)
        return 1
    if "@context" in secured:
        proof["@context"] = secured["@context"]
    hash_data = hashlib.sha256(rfc8785.dumps(proof)).digest() + hashlib.sha256(rfc8785.dumps(secured)).digest()
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(b58decode(proof_value[1:]), hash_data)
    except Exception as e:  # noqa: BLE001 - any failure means "does not verify"
        print(f"signature does not verify: {e!r}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
