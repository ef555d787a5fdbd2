#!/usr/bin/env bash
# The README's walk-through, for real: Aigerim (a demo citizen) signs in with her demo key,
# files a draft, signs it and submits it, with curl and eds-sign against a running server.
#
#   demo/walkthrough.sh [BASE_URL]          BASE_URL defaults to http://127.0.0.1:8080
#
# Needs: a server on the embedded default (`cargo run --release -p api`: development profile,
# demo data, demo PKI trusted), `eds-sign` (`cargo build --release -p signatures --features
# testing`), python3 and curl. eds-sign is taken from $EDS_SIGN, else
# ${CARGO_TARGET_DIR:-target}/release/eds-sign. She signs with her GOST 2015-512 key, one key for
# sign-in and signing as NCA RK issues them since 2024 (eds-sign signs GOST only when built with
# the testing feature); DEMO_KEYS=rsa uses her RSA keys instead (aigerim.auth.pem to sign in,
# aigerim.sign.pem to sign).
#
# Each step prints a line saying what it does ("== step N/7: …"), then the server's response as
# one line of JSON. On a top-level error or any userErrors the script stops with a message on
# stderr and exit status 1; a missing tool or an unreachable server is exit status 2.
set -euo pipefail

if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
    sed -n '2,17s/^# \{0,1\}//p' "$0"
    exit 0
fi

die() { # die STATUS LINE...: the first line says what is wrong, the others what to do
    local status=$1
    printf 'walkthrough: %s\n' "$2" >&2
    shift 2
    [ $# -eq 0 ] || printf '  %s\n' "$@" >&2
    exit "$status"
}

# Paths given relative to where the script was called from, resolved before leaving it.
absolute() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
if [ -n "${EDS_SIGN:-}" ]; then
    case $EDS_SIGN in
        */*) SIGN=$(absolute "$EDS_SIGN") ;;
        *) SIGN=$(command -v "$EDS_SIGN" || printf '%s' "$EDS_SIGN") ;; # a name on PATH
    esac
    SIGN_FROM="EDS_SIGN"
elif [ -n "${CARGO_TARGET_DIR:-}" ]; then
    SIGN=$(absolute "$CARGO_TARGET_DIR")/release/eds-sign
    SIGN_FROM="CARGO_TARGET_DIR"
else
    SIGN=""
    SIGN_FROM="the default target/release"
fi
cd "$(dirname "$0")/.."
[ -n "$SIGN" ] || SIGN=$PWD/target/release/eds-sign

BASE=${1:-http://127.0.0.1:8080}
BASE=${BASE%/}
API=$BASE/graphql
TOKEN=""
STEPS=7
case ${DEMO_KEYS:-gost} in
    gost) AUTH_KEY=aigerim.gost.pem SIGN_KEY=aigerim.gost.pem ;;
    rsa) AUTH_KEY=aigerim.auth.pem SIGN_KEY=aigerim.sign.pem ;;
    *) die 2 "DEMO_KEYS=$DEMO_KEYS: expected gost or rsa." ;;
esac

command -v python3 >/dev/null || die 2 "python3 is needed (it reads and writes the JSON)."
command -v curl >/dev/null || die 2 "curl is needed (it sends the requests)."
[ -x "$SIGN" ] || die 2 "eds-sign not found at $SIGN ($SIGN_FROM)." \
    "Build it with:  cargo build --release -p signatures --features testing" \
    "(it lands in \${CARGO_TARGET_DIR:-target}/release/), or set EDS_SIGN to an eds-sign binary."
curl -sS -o /dev/null --max-time 10 "$BASE/healthz" 2>/dev/null ||
    die 2 "no server answers at $BASE." \
        "Start one on the embedded default with:  cargo run --release -p api" \
        "or pass its address:  demo/walkthrough.sh http://HOST:PORT"

# json_py CODE ARGS...: runs a small Python program over JSON given as arguments.
json_py() { python3 -c "import json, sys
$1" "${@:2}"; }

# gql QUERY [VARIABLES_JSON]: POSTs a GraphQL request and prints the response body.
gql() {
    local body variables=${2:-}
    [ -n "$variables" ] || variables='{}'
    body=$(json_py 'print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' \
        "$1" "$variables")
    curl -sS --max-time 60 "$API" -H 'content-type: application/json' \
        ${TOKEN:+-H "authorization: Bearer $TOKEN"} --data-binary "$body" ||
        die 1 "the request to $API failed (see curl's message above)."
}

step() { # step N TEXT: says what the next request does
    printf '\n== step %s/%s: %s\n' "$1" "$STEPS" "$2"
}

# show RESPONSE FIELD: prints the response as one line of JSON, then stops the script unless
# it is JSON with no top-level errors and no userErrors in data.FIELD.
show() {
    json_py '
try:
    response = json.loads(sys.argv[1])
except ValueError:
    print("walkthrough: the server did not answer with JSON:", sys.argv[1][:500], file=sys.stderr)
    sys.exit(1)
print(json.dumps(response, ensure_ascii=False), flush=True)
def describe(errors):
    return "; ".join(
        "%s: %s" % ((e.get("extensions") or {}).get("code") or e.get("code") or "ERROR", e.get("message"))
        for e in errors)
if not isinstance(response, dict):
    print("walkthrough: the response is not a JSON object", file=sys.stderr)
    sys.exit(1)
if response.get("errors"):
    print("walkthrough: %s failed: %s" % (sys.argv[2], describe(response["errors"])), file=sys.stderr)
    sys.exit(1)
payload = (response.get("data") or {}).get(sys.argv[2])
if payload is None:
    print("walkthrough: the response has no data.%s" % sys.argv[2], file=sys.stderr)
    sys.exit(1)
if isinstance(payload, dict) and payload.get("userErrors"):
    print("walkthrough: %s refused: %s" % (sys.argv[2], describe(payload["userErrors"])), file=sys.stderr)
    sys.exit(1)
' "$1" "$2" || exit 1
}

# field RESPONSE PATH: one value out of a response (PATH like data.x.y): a string as it is,
# anything else as JSON.
field() {
    json_py '
value = json.loads(sys.argv[1])
for key in sys.argv[2].split("."):
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
' "$1" "$2" || die 1 "the response has no $2."
}

# sign KEY_FILE PAYLOAD_BASE64: signs the decoded payload like NCALayer (`decode: true`).
sign() {
    "$SIGN" --key "demo/pki/$1" --base64 "$2" || die 1 "$SIGN could not sign with demo/pki/$1."
}

RKA=0201900148270042 # Aigerim's flat in the demo data set

step 1 "createAuthChallenge: a sign-in challenge, to be signed with an AUTHENTICATION key"
R=$(gql 'mutation { createAuthChallenge { challenge { id payload text expiresAt } userErrors { code field message } } }')
show "$R" createAuthChallenge
CHALLENGE_ID=$(field "$R" data.createAuthChallenge.challenge.id)
CMS=$(sign "$AUTH_KEY" "$(field "$R" data.createAuthChallenge.challenge.payload)")
echo "   (signed the decoded payload with demo/pki/$AUTH_KEY: ${#CMS} characters of base64 CMS)"

step 2 "loginWithSignature: sign in with the signed challenge; the token goes in 'authorization: Bearer'"
R=$(gql 'mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token expiresAt person { iin surname givenName } userErrors { code field message } } }' \
    "$(json_py 'print(json.dumps({"input": {"challengeId": sys.argv[1], "cms": sys.argv[2]}}))' "$CHALLENGE_ID" "$CMS")")
show "$R" loginWithSignature
TOKEN=$(field "$R" data.loginWithSignature.token)

step 3 "propertyLookup: is the flat $RKA in the property registry?"
R=$(gql 'query($input: AddressInput!) { propertyLookup(input: $input) { found kind ownerCount hasAdministration } }' \
    "{\"input\": {\"rka\": \"$RKA\"}}")
show "$R" propertyLookup
[ "$(field "$R" data.propertyLookup.found)" = true ] || die 1 "the flat $RKA is not in the registry: is the demo data set loaded?"

step 4 "createApplication: a draft for permanent registration there (missingRequirements says what still blocks it)"
R=$(gql 'mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version status missingRequirements { code message } } userErrors { code field message } } }' \
    "{\"input\": {\"kind\": \"PERMANENT\", \"address\": {\"rka\": \"$RKA\"}, \"personalDataConsent\": true}}")
show "$R" createApplication
APPLICATION_ID=$(field "$R" data.createApplication.application.id)
VERSION=$(field "$R" data.createApplication.application.version)
[ "$(field "$R" data.createApplication.application.missingRequirements)" = "[]" ] ||
    die 1 "the draft cannot be submitted yet: see missingRequirements above."

step 5 "prepareSigning: what to sign ('text' is shown to the citizen; the decoded 'payload' is signed with a SIGNATURE key)"
R=$(gql 'mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text digest expiresAt allowedMethods keyRequirements { purpose iin } } userErrors { code field message } } }' \
    "$(json_py 'print(json.dumps({"input": {"applicationId": sys.argv[1], "version": int(sys.argv[2])}}))' "$APPLICATION_ID" "$VERSION")")
show "$R" prepareSigning
SIGNING_REQUEST_ID=$(field "$R" data.prepareSigning.signingRequest.id)
CMS=$(sign "$SIGN_KEY" "$(field "$R" data.prepareSigning.signingRequest.payload)")
echo "   (signed the decoded payload with demo/pki/$SIGN_KEY: ${#CMS} characters of base64 CMS)"

step 6 "submitApplication: submit the application with that signature"
R=$(gql 'mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id number status statusLabel submittedAt } userErrors { code field message } } }' \
    "$(json_py 'print(json.dumps({"input": {"signingRequestId": sys.argv[1], "signature": {"cms": sys.argv[2]}}}))' "$SIGNING_REQUEST_ID" "$CMS")")
show "$R" submitApplication

step 7 "application: read it back, with its status history"
R=$(gql 'query($id: ID!) { application(id: $id) { number status statusLabel submittedAt history(first: 10) { edges { node { from to actorRole at } } } } }' \
    "$(json_py 'print(json.dumps({"id": sys.argv[1]}))' "$APPLICATION_ID")")
show "$R" application
STATUS=$(field "$R" data.application.status)
[ "$STATUS" = SUBMITTED ] || die 1 "the application's status is $STATUS, not SUBMITTED."
echo
echo "Done: application $(field "$R" data.application.number) is SUBMITTED."
