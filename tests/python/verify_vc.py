"""Independent check of an Origine W3C Verifiable Credential (eddsa-jcs-2022).

Shares no code with Origine: decodes the did:key itself, canonicalises with `rfc8785`,
and verifies the Ed25519 signature with `cryptography`, as the W3C Data Integrity EdDSA
Cryptosuites specification describes. Usage: verify_vc.py CREDENTIAL.json
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


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        secured = json.load(f)
    proof = dict(secured.pop("proof"))
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        print("not an eddsa-jcs-2022 proof", file=sys.stderr)
        return 1
    proof_value = proof.pop("proofValue")
    vm = proof["verificationMethod"]
    multikey = vm.split("#")[0].removeprefix("did:key:")
    decoded = b58decode(multikey[1:])
    if multikey[0] != "z" or decoded[:2] != b"\xed\x01" or len(decoded) != 34:
        print("verification method is not an Ed25519 did:key", file=sys.stderr)
        return 1
    if "@context" in secured:
        proof["@context"] = secured["@context"]
    hash_data = hashlib.sha256(rfc8785.dumps(proof)).digest() + hashlib.sha256(rfc8785.dumps(secured)).digest()
    try:
        Ed25519PublicKey.from_public_bytes(decoded[2:]).verify(b58decode(proof_value[1:]), hash_data)
    except Exception as e:  # noqa: BLE001 - any failure means "does not verify"
        print(f"signature does not verify: {e!r}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
