#!/usr/bin/env bash
# The README's walk-through with curl: Aigerim (a demo citizen) signs in with her demo key,
# files a draft, signs it and submits it. Needs a server on the embedded default
# (`cargo run --release -p api`) and `cargo build --release -p signatures` (for eds-sign).
#   demo/walkthrough.sh [http://127.0.0.1:8080]
set -euo pipefail
cd "$(dirname "$0")/.."
API=${1:-http://127.0.0.1:8080}/graphql
SIGN=${EDS_SIGN:-target/release/eds-sign}
TOKEN=""

# gql QUERY [VARIABLES_JSON]: POST a GraphQL request, print the JSON response.
gql() {
    local body
    body=$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$1" "${2:-{\}}")
    curl -sS "$API" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$body"
}
# field JSON PATH: one value out of a response, e.g. field "$R" data.x.y
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }

echo "1. A sign-in challenge (sign its decoded payload with an AUTHENTICATION key):"
R=$(gql 'mutation { createAuthChallenge { challenge { id payload text expiresAt } } }')
TEXT=$(field "$R" data.createAuthChallenge.challenge.text)
echo "   ${TEXT%%$'\n'*}"
CMS=$("$SIGN" --key demo/pki/aigerim.auth.pem --base64 "$(field "$R" data.createAuthChallenge.challenge.payload)")
R=$(gql 'mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token person { iin surname givenName } userErrors { code message } } }' \
    "{\"input\": {\"challengeId\": \"$(field "$R" data.createAuthChallenge.challenge.id)\", \"cms\": \"$CMS\"}}")
TOKEN=$(field "$R" data.loginWithSignature.token)
echo "   signed in as $(field "$R" data.loginWithSignature.person.surname) $(field "$R" data.loginWithSignature.person.givenName)"

echo "2. Is the flat in the property registry?"
R=$(gql '{ propertyLookup(input: { rka: "0201900148270042" }) { found kind ownerCount } }')
echo "   $(field "$R" data.propertyLookup)"

echo "3. A draft (it may be incomplete; missingRequirements says what still blocks it):"
R=$(gql 'mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version missingRequirements { code } } userErrors { code message } } }' \
    '{"input": {"kind": "PERMANENT", "address": {"rka": "0201900148270042"}, "personalDataConsent": true}}')
ID=$(field "$R" data.createApplication.application.id)
echo "   application $(field "$R" data.createApplication.application.number), missing: $(field "$R" data.createApplication.application.missingRequirements)"

echo "4. What to sign (show 'text' to the citizen; sign the decoded 'payload' with a SIGNATURE key):"
R=$(gql 'mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text } userErrors { code message } } }' \
    "{\"input\": {\"applicationId\": \"$ID\", \"version\": $(field "$R" data.createApplication.application.version)}}")
TEXT=$(field "$R" data.prepareSigning.signingRequest.text)
echo "   ${TEXT##*$'\n'}"
CMS=$("$SIGN" --key demo/pki/aigerim.sign.pem --base64 "$(field "$R" data.prepareSigning.signingRequest.payload)")

echo "5. Submit:"
R=$(gql 'mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { number status statusLabel } userErrors { code message } } }' \
    "{\"input\": {\"signingRequestId\": \"$(field "$R" data.prepareSigning.signingRequest.id)\", \"signature\": {\"cms\": \"$CMS\"}}}")
echo "   $(field "$R" data.submitApplication.application)"
