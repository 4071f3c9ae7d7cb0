"""Independent check of an Origine VC-JOSE credential with PyJWT (a JOSE library).

Takes the key named by the JWS `kid` from the DID document (a Multikey, turned into an
OKP JWK here), verifies the compact JWS with PyJWT's EdDSA, checks the header the
VC-JOSE-COSE specification asks for, and prints the payload.
Usage: verify_vc_jwt.py CREDENTIAL.jwt DID.json
"""

import base64
import json
import sys

import jwt

from verify_vc import key_from_did_document


def main() -> int:
    with open(sys.argv[1], encoding="ascii") as f:
        token = f.read().strip()
    with open(sys.argv[2], encoding="utf-8") as f:
        did_document = json.load(f)
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "EdDSA" or header.get("typ") != "vc+jwt" or header.get("cty") != "vc":
        print(f"unexpected header {header}", file=sys.stderr)
        return 1
    try:
        raw = key_from_did_document(did_document, header["kid"])
    except (KeyError, ValueError) as e:
        print(f"no key: {e}", file=sys.stderr)
        return 1
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    key = jwt.PyJWK({"kty": "OKP", "crv": "Ed25519", "x": x})
    try:
        # A VC-JOSE payload is the credential itself; it has no registered JWT claims.
        payload = jwt.decode(token, key=key, algorithms=["EdDSA"], options={"verify_aud": False})
    except jwt.InvalidTokenError as e:
        print(f"does not verify: {e!r}", file=sys.stderr)
        return 1
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
