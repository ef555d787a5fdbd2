#!/usr/bin/env bash
# The README's walk-through, for real: Aigerim (a demo citizen) signs in, files a draft, signs it
# and submits it, and is registered, with curl against a running server: with her demo key and
# eds-sign, or with one-time passwords by SMS (--otp). With --consent, Dana files at Aigerim's
# flat, Aigerim, its owner, consents, and Dana is registered.
#
#   demo/walkthrough.sh [BASE_URL]            BASE_URL defaults to http://127.0.0.1:8080
#   demo/walkthrough.sh --otp [BASE_URL]      the same with SMS codes instead of her EDS key
#   demo/walkthrough.sh --consent [BASE_URL]  Dana applies, Aigerim consents (both with eds-sign)
#
# Needs: a server on the embedded default (`cargo run --release -p api`: development profile,
# demo data, demo PKI trusted), python3, curl and (without --otp) `eds-sign` (`cargo build
# --release -p signatures --features testing`). eds-sign is taken from $EDS_SIGN, else
# ${CARGO_TARGET_DIR:-target}/release/eds-sign. She signs with her GOST 2015-512 key, one key for
# sign-in and signing as NCA RK issues them since 2024 (eds-sign signs GOST only when built with
# the testing feature); DEMO_KEYS=rsa uses her RSA keys instead (aigerim.auth.pem to sign in,
# aigerim.sign.pem to sign).
#
# With --consent, Dana (061211600012) signs in with dana.gost.pem and files and submits a draft
# at Aigerim's flat, named by its owner's IIN and its area; it waits for Aigerim's consent. Aigerim
# signs in with aigerim.gost.pem, finds the consent in myConsents, signs it, and Dana reads the
# application back registered. DEMO_KEYS=rsa uses their <name>.auth.pem and <name>.sign.pem.
#
# With --otp she signs in and signs with codes sent to her phone (+77017234518), which the
# development profile keeps in its SMS outbox: the script reads them with `registration-api
# dev-outbox --phone +77017234518` (`cargo build --release -p api`), taken from $REGISTRATION_API,
# else ${CARGO_TARGET_DIR:-target}/release/registration-api, and needs no eds-sign. The outbox is
# in the server's database: DATABASE_URL must be the server's when the server has one set (a
# relative SQLite path counts from where the script is called); unset, it is the server's
# default, registration.sqlite in the repository root, where `cargo run` from the root puts it.
#
# Each step prints a line saying what it does ("== step N/7: …", with --otp "== step N/8: …",
# with --consent "== step N/11: …"), then the server's response as one line of JSON. On a
# top-level error or any userErrors the script stops with a message on stderr and exit status 1, as
# it does when the application is not registered at the end (a second run on the same server: the
# person is registered there already, so it waits for an officer); a missing tool, database or
# server is exit status 2.
set -euo pipefail

OTP=false
CONSENT=false
MODE_FLAG="" # how to call the script again, in messages
BASE=""
for arg in "$@"; do
    case $arg in
        --help | -h)
            sed -n '2,37s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        --otp) OTP=true MODE_FLAG="--otp " ;;
        --consent) CONSENT=true MODE_FLAG="--consent " ;;
        -*)
            printf 'walkthrough: unknown option %s (see demo/walkthrough.sh --help)\n' "$arg" >&2
            exit 2
            ;;
        *) [ -n "$BASE" ] || BASE=$arg ;;
    esac
done

die() { # die STATUS LINE...: the first line says what is wrong, the others what to do
    local status=$1
    printf 'walkthrough: %s\n' "$2" >&2
    shift 2
    [ $# -eq 0 ] || printf '  %s\n' "$@" >&2
    exit "$status"
}

# Paths given relative to where the script was called from, resolved before leaving it.
absolute() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
CALLER_DIR=$PWD
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
# The same for registration-api (--otp: it reads the development SMS outbox).
if [ -n "${REGISTRATION_API:-}" ]; then
    case $REGISTRATION_API in
        */*) REGISTRATION=$(absolute "$REGISTRATION_API") ;;
        *) REGISTRATION=$(command -v "$REGISTRATION_API" || printf '%s' "$REGISTRATION_API") ;;
    esac
    REGISTRATION_FROM="REGISTRATION_API"
elif [ -n "${CARGO_TARGET_DIR:-}" ]; then
    REGISTRATION=$(absolute "$CARGO_TARGET_DIR")/release/registration-api
    REGISTRATION_FROM="CARGO_TARGET_DIR"
else
    REGISTRATION=""
    REGISTRATION_FROM="the default target/release"
fi
cd "$(dirname "$0")/.."
[ -n "$SIGN" ] || SIGN=$PWD/target/release/eds-sign
[ -n "$REGISTRATION" ] || REGISTRATION=$PWD/target/release/registration-api
# The server's database, where its development outbox is: DATABASE_URL, else the server's
# default (sqlite://registration.sqlite?mode=rwc) as `cargo run` from the repository root has it.
if [ -n "${DATABASE_URL:-}" ]; then
    OUTBOX_DB=$DATABASE_URL
    OUTBOX_DB_FROM="DATABASE_URL=$DATABASE_URL"
else
    OUTBOX_DB="sqlite://$PWD/registration.sqlite?mode=rwc"
    OUTBOX_DB_FROM="DATABASE_URL unset: the server's default, started from the repository root"
fi

BASE=${BASE:-http://127.0.0.1:8080}
BASE=${BASE%/}
API=$BASE/graphql
TOKEN=""
if $OTP && $CONSENT; then
    die 2 "--otp and --consent are two different walks: give one of them."
elif $OTP; then
    STEPS=8
elif $CONSENT; then
    STEPS=11
    case ${DEMO_KEYS:-gost} in
        gost) DANA_AUTH_KEY=dana.gost.pem DANA_SIGN_KEY=dana.gost.pem AIGERIM_AUTH_KEY=aigerim.gost.pem AIGERIM_SIGN_KEY=aigerim.gost.pem ;;
        rsa) DANA_AUTH_KEY=dana.auth.pem DANA_SIGN_KEY=dana.sign.pem AIGERIM_AUTH_KEY=aigerim.auth.pem AIGERIM_SIGN_KEY=aigerim.sign.pem ;;
        *) die 2 "DEMO_KEYS=$DEMO_KEYS: expected gost or rsa." ;;
    esac
else
    STEPS=7
    case ${DEMO_KEYS:-gost} in
        gost) AUTH_KEY=aigerim.gost.pem SIGN_KEY=aigerim.gost.pem ;;
        rsa) AUTH_KEY=aigerim.auth.pem SIGN_KEY=aigerim.sign.pem ;;
        *) die 2 "DEMO_KEYS=$DEMO_KEYS: expected gost or rsa." ;;
    esac
fi

command -v python3 >/dev/null || die 2 "python3 is needed (it reads and writes the JSON)."
command -v curl >/dev/null || die 2 "curl is needed (it sends the requests)."
if $OTP; then
    [ -x "$REGISTRATION" ] || die 2 "registration-api not found at $REGISTRATION ($REGISTRATION_FROM)." \
        "Build it with:  cargo build --release -p api" \
        "(it lands in \${CARGO_TARGET_DIR:-target}/release/), or set REGISTRATION_API to a registration-api binary."
    # A SQLite file that is not there is not the server's (and dev-outbox would make an empty one).
    case $OUTBOX_DB in
        sqlite:*memory*) die 2 "DATABASE_URL=$OUTBOX_DB: the outbox of an in-memory database cannot be read from outside the server." \
            "Run the server on a database file or PostgreSQL, and give the script the same DATABASE_URL." ;;
        sqlite:*)
            DB_FILE=${OUTBOX_DB#sqlite:}
            DB_FILE=${DB_FILE#//}
            DB_FILE=${DB_FILE%%\?*}
            case $DB_FILE in /*) ;; *) DB_FILE=$CALLER_DIR/$DB_FILE ;; esac
            [ -f "$DB_FILE" ] || die 2 "no database at $DB_FILE ($OUTBOX_DB_FROM), so no SMS outbox to read." \
                "Set DATABASE_URL to the database the server runs on (the server's DATABASE_URL)." ;;
    esac
else
    [ -x "$SIGN" ] || die 2 "eds-sign not found at $SIGN ($SIGN_FROM)." \
        "Build it with:  cargo build --release -p signatures --features testing" \
        "(it lands in \${CARGO_TARGET_DIR:-target}/release/), or set EDS_SIGN to an eds-sign binary."
fi
curl -sS -o /dev/null --max-time 10 "$BASE/healthz" 2>/dev/null ||
    die 2 "no server answers at $BASE." \
        "Start one on the embedded default with:  cargo run --release -p api" \
        "or pass its address:  demo/walkthrough.sh ${MODE_FLAG:-}http://HOST:PORT"

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

PHONE=+77017234518 # Aigerim's phone in the demo data set (--otp)

# outbox: the development outbox's SMS to $PHONE, one JSON line each ({phone, text, code,
# sentAt}, oldest first), as `registration-api dev-outbox` prints them from the server's database.
outbox() {
    (cd "$CALLER_DIR" && DATABASE_URL=$OUTBOX_DB RUST_LOG=error "$REGISTRATION" dev-outbox --phone "$PHONE") ||
        die 2 "$REGISTRATION dev-outbox could not read the development outbox (see its message above)."
}

# sms_after LISTING: the SMS to $PHONE that the outbox holds and LISTING (an earlier `outbox`)
# did not, as its JSON line. The server sends it just after answering requestOtp: this waits
# for it, 5 seconds at least (SECONDS counts whole seconds).
sms_after() {
    local now entry deadline=$((SECONDS + 6))
    while :; do
        now=$(outbox) || exit $?
        entry=$(json_py '
before = set(sys.argv[1].splitlines())
new = [line for line in sys.argv[2].splitlines() if line not in before and json.loads(line).get("code")]
print(new[-1] if new else "")' "$1" "$now") || exit 1
        if [ -n "$entry" ]; then
            printf '%s\n' "$entry"
            return 0
        fi
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.2
    done
    die 1 "no new SMS to $PHONE in the development outbox within 5 seconds ($OUTBOX_DB_FROM)." \
        "Is that the server's database? Set DATABASE_URL to the server's." \
        "Does the server keep SMS in the outbox? It does in the development profile without SMS_GATEWAY_URL."
}

# show_sms ENTRY: says which code the outbox gave (a development outbox, no real SMS).
show_sms() {
    echo "   (the SMS, read with registration-api dev-outbox --phone $PHONE: code $(field "$1" code), sent $(field "$1" sentAt): \"$(field "$1" text)\")"
}

RKA=0201900148270042 # Aigerim's flat in the demo data set

# sign_in_with_key N KEY_FILE NAME IIN: steps N and N+1, a sign-in challenge signed with KEY_FILE
# and the sign-in with it (--consent); sets TOKEN to NAME's session.
sign_in_with_key() {
    local challenge_id cms response
    TOKEN="" # no one is signed in while the next person signs in
    step "$1" "createAuthChallenge: a sign-in challenge for $3 (IIN $4), to be signed with an AUTHENTICATION key"
    response=$(gql 'mutation { createAuthChallenge { challenge { id payload text expiresAt } userErrors { code field message } } }')
    show "$response" createAuthChallenge
    challenge_id=$(field "$response" data.createAuthChallenge.challenge.id)
    cms=$(sign "$2" "$(field "$response" data.createAuthChallenge.challenge.payload)")
    echo "   (signed the decoded payload with demo/pki/$2: ${#cms} characters of base64 CMS)"

    step $(($1 + 1)) "loginWithSignature: $3 signs in with the signed challenge; her token goes in 'authorization: Bearer'"
    response=$(gql 'mutation($input: LoginWithSignatureInput!) { loginWithSignature(input: $input) { token expiresAt person { iin surname givenName } userErrors { code field message } } }' \
        "$(json_py 'print(json.dumps({"input": {"challengeId": sys.argv[1], "cms": sys.argv[2]}}))' "$challenge_id" "$cms")")
    show "$response" loginWithSignature
    TOKEN=$(field "$response" data.loginWithSignature.token)
}

# What the read-back steps ask of the application: its status, the decision and the registration
# it resulted in (the service's result), and its status history.
APPLICATION_FIELDS='number status statusLabel submittedAt serviceClockStartedAt serviceDeadline serviceDeadlineMet decision { outcome automatic } registration { kind address startsOn registryReference active }'

# registered RESPONSE NAME: stops the script unless the application read back (data.application)
# is REGISTERED, saying why not when NAME (the signed-in person) is already registered at the flat.
registered() {
    local status
    status=$(field "$1" data.application.status)
    [ "$status" = REGISTERED ] && return 0
    if [ "$status" = IN_REVIEW ] && json_py '
edges = json.loads(sys.argv[1])["data"]["myRegistrations"]["edges"]
sys.exit(0 if any(e["node"]["addressRka"] == sys.argv[2] and e["node"]["kind"] == "PERMANENT" and e["node"]["active"] for e in edges) else 1)' \
        "$(gql 'query { myRegistrations(first: 100) { edges { node { addressRka kind active } } } }')" "$RKA" 2>/dev/null; then
        die 1 "the application's status is IN_REVIEW, not REGISTERED: $2 is already registered at the flat $RKA (an earlier run on this server), so the check for a conflicting registration sends it to an officer." \
            "Run the walk on a server with a fresh database: stop it, delete its database (registration.sqlite by default) and start it again."
    fi
    die 1 "the application's status is $status, not REGISTERED."
}

if $CONSENT; then
    OWNER_IIN=871008401427 AREA=54.30 # Aigerim's flat, named by its owner and its area

    sign_in_with_key 1 "$DANA_AUTH_KEY" Dana 061211600012
    DANA_TOKEN=$TOKEN

    step 3 "createApplication: Dana's draft for permanent registration at Aigerim's flat, named by its owner's IIN $OWNER_IIN and its area $AREA m²"
    R=$(gql 'mutation($input: CreateApplicationInput!) { createApplication(input: $input) { application { id number version status missingRequirements { code message } } userErrors { code field message } } }' \
        "{\"input\": {\"kind\": \"PERMANENT\", \"address\": {\"ownerIin\": \"$OWNER_IIN\", \"area\": \"$AREA\"}, \"personalDataConsent\": true}}")
    show "$R" createApplication
    APPLICATION_ID=$(field "$R" data.createApplication.application.id)
    VERSION=$(field "$R" data.createApplication.application.version)
    [ "$(field "$R" data.createApplication.application.missingRequirements)" = "[]" ] ||
        die 1 "the draft cannot be submitted yet: see missingRequirements above."

    step 4 "prepareSigning: what Dana signs ('text' is shown to her; the decoded 'payload' is signed with a SIGNATURE key)"
    R=$(gql 'mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text digest expiresAt allowedMethods keyRequirements { purpose iin } } userErrors { code field message } } }' \
        "$(json_py 'print(json.dumps({"input": {"applicationId": sys.argv[1], "version": int(sys.argv[2])}}))' "$APPLICATION_ID" "$VERSION")")
    show "$R" prepareSigning
    SIGNING_REQUEST_ID=$(field "$R" data.prepareSigning.signingRequest.id)
    CMS=$(sign "$DANA_SIGN_KEY" "$(field "$R" data.prepareSigning.signingRequest.payload)")
    echo "   (signed the decoded payload with demo/pki/$DANA_SIGN_KEY: ${#CMS} characters of base64 CMS)"

    step 5 "submitApplication: Dana submits it with that signature; the flat is Aigerim's, so it waits for her consent"
    R=$(gql 'mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id number status statusLabel submittedAt consents { id status deadline ownerDisplayName } } userErrors { code field message } } }' \
        "$(json_py 'print(json.dumps({"input": {"signingRequestId": sys.argv[1], "signature": {"cms": sys.argv[2]}}}))' "$SIGNING_REQUEST_ID" "$CMS")")
    show "$R" submitApplication
    STATUS=$(field "$R" data.submitApplication.application.status)
    [ "$STATUS" = AWAITING_CONSENTS ] || die 1 "the application's status is $STATUS, not AWAITING_CONSENTS."
    CONSENT_ID=$(json_py '
consents = json.loads(sys.argv[1])["data"]["submitApplication"]["application"]["consents"]
print(consents[0]["id"] if len(consents) == 1 else "")' "$R") || exit 1
    [ -n "$CONSENT_ID" ] || die 1 "the application does not wait for exactly one consent: see consents above."

    sign_in_with_key 6 "$AIGERIM_AUTH_KEY" Aigerim "$OWNER_IIN" # the flat's owner

    step 8 "myConsents: the consents waiting for Aigerim (status PENDING), newest first; Dana's is among them"
    R=$(gql 'query { myConsents(status: PENDING) { totalCount edges { node { id status applicantName deadline } } } }')
    show "$R" myConsents
    json_py '
edges = json.loads(sys.argv[1])["data"]["myConsents"]["edges"]
sys.exit(0 if any(edge["node"]["id"] == sys.argv[2] for edge in edges) else 1)' "$R" "$CONSENT_ID" ||
        die 1 "the consent $CONSENT_ID that Dana's application waits for is not among Aigerim's pending consents."

    step 9 "prepareConsentSigning: what Aigerim signs to consent (EDS only; the decoded 'payload' is signed with a SIGNATURE key)"
    R=$(gql 'mutation($input: PrepareConsentSigningInput!) { prepareConsentSigning(input: $input) { signingRequest { id payload text allowedMethods keyRequirements { iin } } userErrors { code field message } clientMutationId } }' \
        "$(json_py 'print(json.dumps({"input": {"consentId": sys.argv[1]}}))' "$CONSENT_ID")")
    show "$R" prepareConsentSigning
    SIGNING_REQUEST_ID=$(field "$R" data.prepareConsentSigning.signingRequest.id)
    CMS=$(sign "$AIGERIM_SIGN_KEY" "$(field "$R" data.prepareConsentSigning.signingRequest.payload)")
    echo "   (signed the decoded payload with demo/pki/$AIGERIM_SIGN_KEY: ${#CMS} characters of base64 CMS)"

    step 10 "signConsent: Aigerim gives her consent with that signature; the last consent completes the application, which is decided and registered at once"
    R=$(gql 'mutation($input: SignConsentInput!) { signConsent(input: $input) { consent { id status decidedAt } userErrors { code field message } clientMutationId } }' \
        "$(json_py 'print(json.dumps({"input": {"signingRequestId": sys.argv[1], "signature": {"cms": sys.argv[2]}}}))' "$SIGNING_REQUEST_ID" "$CMS")")
    show "$R" signConsent
    STATUS=$(field "$R" data.signConsent.consent.status)
    [ "$STATUS" = GIVEN ] || die 1 "the consent's status is $STATUS, not GIVEN."

    step 11 "application: Dana reads it back, registered, with its consent, registration and status history"
    TOKEN=$DANA_TOKEN
    R=$(gql "query(\$id: ID!) { application(id: \$id) { $APPLICATION_FIELDS consents { status } history(first: 10) { edges { node { from to actorRole reason } } } } }" \
        "$(json_py 'print(json.dumps({"id": sys.argv[1]}))' "$APPLICATION_ID")")
    show "$R" application
    registered "$R" Dana
    echo
    echo "Done: application $(field "$R" data.application.number) is REGISTERED (Aigerim, the flat's owner, consented): Dana is registered at $(field "$R" data.application.registration.address) from $(field "$R" data.application.registration.startsOn), population registry reference $(field "$R" data.application.registration.registryReference)."
    exit 0
fi

if $OTP; then
    step 1 "requestOtp: a sign-in code by SMS to the phone of IIN 871008401427 (the answer does not say whether one went)"
    BEFORE=$(outbox)
    R=$(gql 'mutation { requestOtp(input: { purpose: LOGIN, iin: "871008401427" }) { otpChallenge { id purpose expiresAt resendAfter maskedPhone } userErrors { code field message attemptsLeft retryAfterSeconds } clientMutationId } }')
    show "$R" requestOtp
    OTP_CHALLENGE_ID=$(field "$R" data.requestOtp.otpChallenge.id)
    SMS=$(sms_after "$BEFORE")
    show_sms "$SMS"
    CODE=$(field "$SMS" code)

    step 2 "loginWithOtp: sign in with the challenge and that code; the token goes in 'authorization: Bearer'"
    R=$(gql 'mutation($input: LoginWithOtpInput!) { loginWithOtp(input: $input) { token expiresAt authMethod person { iin surname givenName } userErrors { code field message } } }' \
        "$(json_py 'print(json.dumps({"input": {"otpChallengeId": sys.argv[1], "code": sys.argv[2]}}))' "$OTP_CHALLENGE_ID" "$CODE")")
    show "$R" loginWithOtp
    TOKEN=$(field "$R" data.loginWithOtp.token)
else
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
fi

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

PREPARE_SIGNING='mutation($input: PrepareSigningInput!) { prepareSigning(input: $input) { signingRequest { id payload text digest expiresAt allowedMethods keyRequirements { purpose iin } } userErrors { code field message } } }'
PREPARE_VARIABLES=$(json_py 'print(json.dumps({"input": {"applicationId": sys.argv[1], "version": int(sys.argv[2])}}))' "$APPLICATION_ID" "$VERSION")

if $OTP; then
    step 5 "prepareSigning: what to sign ('text' is shown to the citizen; allowedMethods says whether a code by SMS may sign it)"
    R=$(gql "$PREPARE_SIGNING" "$PREPARE_VARIABLES")
    show "$R" prepareSigning
    SIGNING_REQUEST_ID=$(field "$R" data.prepareSigning.signingRequest.id)
    json_py 'sys.exit(0 if "OTP" in json.loads(sys.argv[1]) else 1)' \
        "$(field "$R" data.prepareSigning.signingRequest.allowedMethods)" ||
        die 1 "this signing request may not be signed with a one-time password: see allowedMethods above."

    step 6 "requestOtp: a signing code by SMS, good for this signing request only"
    BEFORE=$(outbox)
    R=$(gql 'mutation($input: RequestOtpInput!) { requestOtp(input: $input) { otpChallenge { id purpose expiresAt resendAfter maskedPhone } userErrors { code field message attemptsLeft retryAfterSeconds } clientMutationId } }' \
        "$(json_py 'print(json.dumps({"input": {"purpose": "SIGN", "signingRequestId": sys.argv[1]}}))' "$SIGNING_REQUEST_ID")")
    show "$R" requestOtp
    SMS=$(sms_after "$BEFORE")
    show_sms "$SMS"
    CODE=$(field "$SMS" code)

    step 7 "submitApplication: submit the application with that code as its signature; her own flat needs no other consent, so it is decided and registered at once"
    R=$(gql 'mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id number status statusLabel submittedAt } userErrors { code field message } } }' \
        "$(json_py 'print(json.dumps({"input": {"signingRequestId": sys.argv[1], "signature": {"otp": sys.argv[2]}}}))' "$SIGNING_REQUEST_ID" "$CODE")")
    show "$R" submitApplication

    step 8 "application: read it back, registered, with its signature, registration and status history"
    R=$(gql "query(\$id: ID!) { application(id: \$id) { $APPLICATION_FIELDS signature { method signedAt maskedPhone signerIin } history(first: 10) { edges { node { from to actorRole reason at } } } } }" \
        "$(json_py 'print(json.dumps({"id": sys.argv[1]}))' "$APPLICATION_ID")")
    show "$R" application
    registered "$R" Aigerim
    METHOD=$(field "$R" data.application.signature.method)
    [ "$METHOD" = OTP ] || die 1 "the application is signed with $METHOD, not OTP."
    echo
    echo "Done: application $(field "$R" data.application.number) is REGISTERED, signed with a one-time password: Aigerim is registered at $(field "$R" data.application.registration.address) from $(field "$R" data.application.registration.startsOn), population registry reference $(field "$R" data.application.registration.registryReference)."
    exit 0
fi

step 5 "prepareSigning: what to sign ('text' is shown to the citizen; the decoded 'payload' is signed with a SIGNATURE key)"
R=$(gql "$PREPARE_SIGNING" "$PREPARE_VARIABLES")
show "$R" prepareSigning
SIGNING_REQUEST_ID=$(field "$R" data.prepareSigning.signingRequest.id)
CMS=$(sign "$SIGN_KEY" "$(field "$R" data.prepareSigning.signingRequest.payload)")
echo "   (signed the decoded payload with demo/pki/$SIGN_KEY: ${#CMS} characters of base64 CMS)"

step 6 "submitApplication: submit the application with that signature; her own flat needs no other consent, so it is decided and registered at once"
R=$(gql 'mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { application { id number status statusLabel submittedAt } userErrors { code field message } } }' \
    "$(json_py 'print(json.dumps({"input": {"signingRequestId": sys.argv[1], "signature": {"cms": sys.argv[2]}}}))' "$SIGNING_REQUEST_ID" "$CMS")")
show "$R" submitApplication

step 7 "application: read it back, registered, with its registration and status history"
R=$(gql "query(\$id: ID!) { application(id: \$id) { $APPLICATION_FIELDS history(first: 10) { edges { node { from to actorRole reason at } } } } }" \
    "$(json_py 'print(json.dumps({"id": sys.argv[1]}))' "$APPLICATION_ID")")
show "$R" application
registered "$R" Aigerim
echo
echo "Done: application $(field "$R" data.application.number) is REGISTERED (her own flat needs no other consent, so it was decided automatically): Aigerim is registered at $(field "$R" data.application.registration.address) from $(field "$R" data.application.registration.startsOn), population registry reference $(field "$R" data.application.registration.registryReference)."
