#!/usr/bin/env node
// A minimal client of the registration API, written the way a browser frontend talks to it:
// Aigerim (a demo citizen) signs in with her EDS, files a draft for permanent registration,
// signs it and submits it, and is registered.
//
//   node docs/example-client/client.mjs [API_URL]     API_URL defaults to http://127.0.0.1:8080/graphql
//
// Node.js 20 or later, no npm packages: only the global `fetch` and Node's own modules. Where a
// browser would ask NCALayer to sign, this script runs the `eds-sign` dev tool with a demo key
// (demo/pki/): $EDS_SIGN, else ${CARGO_TARGET_DIR:-target}/release/eds-sign from the repository
// root (`cargo build --release -p signatures`). Messages come in $API_LANGUAGE (kk, ru or en;
// default ru).
//
// Progress goes to stdout; the last line of stdout is one JSON object, {"number": …, "status": …}.
// A top-level error or any userErrors: the reason on stderr, exit status 1. No eds-sign or no
// server: exit status 2.

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const API_URL = process.argv[2] ?? "http://127.0.0.1:8080/graphql";
const LANGUAGE = process.env.API_LANGUAGE || "ru";
const EDS_SIGN = edsSignPath();

// Aigerim's flat in the demo data set (demo/data.jsonl): she is its sole owner.
const RKA = "0201900148270042";
// The extended key usage OID of an AUTHENTICATION key (TLS client authentication). Sign-in
// challenges are signed with such a key; documents with a SIGNATURE key, whose OIDs the
// signing request names in `keyRequirements.extendedKeyUsageOids`.
const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** Stops the script: `message` goes to stderr, `status` is the exit status. */
class Stop extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

// ---------------------------------------------------------------------------------------------
// Talking to the API
// ---------------------------------------------------------------------------------------------

/** The session token once signed in; sent as `Authorization: Bearer …` from then on. */
let token = null;

/**
 * POSTs one GraphQL operation and returns its `data`, or stops on a top-level error.
 *
 * Every request is a POST of `{query, variables}` as JSON. The headers a frontend sends:
 * - `Content-Type: application/json` (anything else is refused with 415);
 * - `Accept: application/graphql-response+json, application/json;q=0.9`: the GraphQL-over-HTTP
 *   media type first, so that a query that does not parse or validate comes back as HTTP 400
 *   (with `errors` and no `data`) rather than a 200 that looks like success;
 * - `Accept-Language`: the language of every `message` (kk, ru or en);
 * - `Authorization: Bearer TOKEN` once signed in.
 * A browser adds `Origin` by itself; the API checks that a sign-in challenge comes back from the
 * origin that asked for it. This script, like any non-browser client, sends none.
 */
async function graphql(query, variables = {}, { retried = false } = {}) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json;q=0.9",
    "Accept-Language": LANGUAGE,
  };
  if (token !== null) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(API_URL, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw new Stop(
      `no answer from ${API_URL}: ${error.cause?.message ?? error.message}\n` +
        "  Start a server with:  cargo run --release -p api\n" +
        "  or pass its address:  node docs/example-client/client.mjs http://HOST:PORT/graphql",
      2,
    );
  }

  // HTTP 503 with Retry-After: signature verification is saturated for a moment
  // (SERVICE_UNAVAILABLE). Nothing was done, so the very same request may be sent again: once,
  // after the delay the server asks for. A frontend shows a spinner meanwhile.
  if (response.status === 503 && !retried) {
    const seconds = retryAfterSeconds(response.headers.get("retry-after"));
    console.log(`   (the server is busy: retrying once in ${seconds} s)`);
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return graphql(query, variables, { retried: true });
  }

  // The body is JSON under both media types, whatever the HTTP status (400 for a document that
  // does not validate, 413 for a body over 1 MiB, …); anything else is not the API talking.
  const requestId = response.headers.get("x-request-id");
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Stop(`HTTP ${response.status} from ${API_URL}, not JSON: ${text.slice(0, 300)}`);
  }
  if (Array.isArray(body?.errors) && body.errors.length > 0) {
    throw new Stop(describeTopLevelErrors(body.errors, requestId));
  }
  if (!response.ok || body?.data == null) {
    throw new Stop(`HTTP ${response.status} without data: ${text.slice(0, 300)}`);
  }
  return body.data;
}

/** Seconds to wait from a `Retry-After` header (seconds or an HTTP date): 1 to 60. */
function retryAfterSeconds(header) {
  let seconds = Number(header);
  if (header === null || !Number.isFinite(seconds)) {
    seconds = (Date.parse(header ?? "") - Date.now()) / 1000;
  }
  return Number.isFinite(seconds) ? Math.min(60, Math.max(1, Math.ceil(seconds))) : 1;
}

/**
 * Top-level `errors[]` are for authentication, limits and bugs: the operation did not run.
 * Branch on `extensions.code`, never on `message` (which is for people, in their language).
 */
function describeTopLevelErrors(errors, requestId) {
  const lines = errors.map((error) => {
    const code = error.extensions?.code ?? "ERROR";
    switch (code) {
      case "UNAUTHENTICATED":
        // No session, or it expired or was logged out: a frontend drops its token and goes back
        // to the sign-in page.
        return `${code}: ${error.message} (sign in again)`;
      case "FORBIDDEN":
        // Signed in, but this role may not do this: hide the action rather than retry.
        return `${code}: ${error.message}`;
      case "RATE_LIMITED":
        // Too many requests of this kind (propertyLookup is counted per hour): say when to try
        // again; do not retry in a loop.
        return `${code}: ${error.message} (try again in ${error.extensions.retryAfterSeconds} s)`;
      case "SERVICE_UNAVAILABLE":
        // Still busy after the one retry (see graphql()): ask the person to try again shortly.
        return `${code}: ${error.message} (still busy after one retry)`;
      case "LIMIT_EXCEEDED":
        // The request is too big, deep or complex (`extensions.limit` says which): a bug in the
        // frontend's query, not something the person can fix.
        return `${code} (${error.extensions.limit}): ${error.message}`;
      case "BAD_USER_INPUT":
        // The document or a variable is malformed: a bug in the frontend's query.
        return `${code}: ${error.message}`;
      default:
        // INTERNAL_SERVER_ERROR and anything new: the server's log has the details under the
        // response's X-Request-Id, which a frontend shows so that support can find them.
        return `${code}: ${error.message}${requestId ? ` (request id ${requestId})` : ""}`;
    }
  });
  return `the API refused the request:\n  ${lines.join("\n  ")}`;
}

/**
 * Expected failures of a mutation (a bad signature, a stale version, a missing field, …) come in
 * its payload as `userErrors { code field message detail }`, with HTTP 200. A frontend shows
 * `message` to the person (next to the input that `field` names, e.g. ["input", "cms"]), keeps
 * `detail` (the verifier's finding, in English) for its developers, and branches on `code`.
 * Here they are printed and the script stops.
 */
function checkUserErrors(operation, payload) {
  if (payload == null) {
    throw new Stop(`${operation} returned no payload`);
  }
  if (payload.userErrors.length > 0) {
    const lines = payload.userErrors.map(
      ({ code, field, message, detail }) =>
        `${code}${field ? ` at ${field.join(".")}` : ""}: ${message}${detail ? ` [${detail}]` : ""}`,
    );
    throw new Stop(`${operation} refused:\n  ${lines.join("\n  ")}`);
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Signing: NCALayer in a browser, eds-sign here
// ---------------------------------------------------------------------------------------------

/**
 * Signs the bytes that `payloadBase64` encodes and returns the CMS (bare base64).
 *
 * In a browser this is NCALayer (a WebSocket to wss://127.0.0.1:13579), module
 * `kz.gov.pki.knca.basics`, method `sign`:
 *
 *   { module: "kz.gov.pki.knca.basics", method: "sign", args: {
 *       allowedStorages: ["PKCS12", …], format: "cms", data: payloadBase64,
 *       signingParams: { decode: true, encapsulate: true, digested: false },
 *       signerParams: { extKeyUsageOids, iin }, locale: "ru" } }
 *
 * `decode: true` matters: without it NCALayer signs the base64 *text*, not the bytes, and the API
 * answers PAYLOAD_TEXT_SIGNED. `encapsulate: true` puts the content inside the CMS (a detached
 * one is accepted too). `extKeyUsageOids` makes NCALayer offer only keys of the right purpose.
 * The reply's `body.result[0]` is a PEM-armoured CMS, which the API takes as it is.
 *
 * NCALayer shows the person nothing of what is signed: the page must show the `text` that comes
 * with every payload, next to the button that signs.
 */
async function sign(keyFile, payloadBase64, { extKeyUsageOids, iin }) {
  console.log(
    `   (signing the decoded payload with demo/pki/${keyFile}; NCALayer would be asked for a key` +
      ` with extKeyUsageOids ${JSON.stringify(extKeyUsageOids)}${iin ? ` and iin ${iin}` : ""})`,
  );
  const key = path.join(ROOT, "demo/pki", keyFile);
  return new Promise((resolve, reject) => {
    execFile(EDS_SIGN, ["--key", key, "--base64", payloadBase64], (error, stdout, stderr) => {
      if (error) {
        reject(new Stop(`${EDS_SIGN} could not sign with ${key}: ${stderr.trim() || error.message}`));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/** Where eds-sign is: $EDS_SIGN (a path, or a name on PATH), else the release build's. */
function edsSignPath() {
  const given = process.env.EDS_SIGN;
  if (given) {
    return given.includes(path.sep) ? path.resolve(given) : given;
  }
  return path.resolve(ROOT, process.env.CARGO_TARGET_DIR || "target", "release", "eds-sign");
}

/** Stops with exit status 2 when EDS_SIGN is a path to nothing executable. */
function checkEdsSign() {
  if (!path.isAbsolute(EDS_SIGN)) {
    return; // a name on PATH: execFile looks it up
  }
  try {
    accessSync(EDS_SIGN, constants.X_OK);
  } catch {
    throw new Stop(
      `eds-sign not found at ${EDS_SIGN}.\n` +
        "  Build it with:  cargo build --release -p signatures\n" +
        "  (it lands in ${CARGO_TARGET_DIR:-target}/release/), or set EDS_SIGN to an eds-sign binary.",
      2,
    );
  }
}

/** Shows a text meant for the person, indented. */
function show(text) {
  console.log(text.replace(/^/gm, "   | "));
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

async function main() {
  checkEdsSign();
  console.log(`API: ${API_URL} (Accept-Language: ${LANGUAGE})`);

  // 1. Sign-in. The API hands out a single-use challenge; `payload` is base64 of the exact bytes
  //    (canonical JSON) to sign, `text` says the same for the person. It expires (expiresAt),
  //    so ask for it when the person presses "Sign in", not when the page loads.
  console.log("\n1. createAuthChallenge: a sign-in challenge");
  const { createAuthChallenge } = await graphql(
    `mutation {
      createAuthChallenge {
        challenge { id payload text expiresAt }
        userErrors { code field message detail }
      }
    }`,
  );
  const { challenge } = checkUserErrors("createAuthChallenge", createAuthChallenge);
  show(challenge.text);

  //    Signed with an AUTHENTICATION key (not the SIGNATURE one: that is KEY_PURPOSE)...
  const loginCms = await sign("aigerim.auth.pem", challenge.payload, {
    extKeyUsageOids: [EKU_CLIENT_AUTH],
  });

  //    ... and sent back with the challenge's id. The answer is the session token, who signed
  //    in, and when the token expires. Keep the token in memory (not in localStorage).
  console.log("\n2. loginWithSignature: sign in with the signed challenge");
  const { loginWithSignature } = await graphql(
    `mutation ($input: LoginWithSignatureInput!) {
      loginWithSignature(input: $input) {
        token expiresAt
        person { iin surname givenName }
        userErrors { code field message detail }
      }
    }`,
    { input: { challengeId: challenge.id, cms: loginCms } },
  );
  const login = checkUserErrors("loginWithSignature", loginWithSignature);
  token = login.token;
  console.log(
    `   signed in: ${login.person.surname} ${login.person.givenName} (${login.person.iin}),` +
      ` until ${login.expiresAt}`,
  );

  // 2. The application. A draft may be incomplete: `missingRequirements` lists what still
  //    blocks submission, each with the input `field` to point at and a `message` to show.
  //    `clientMutationId` comes back in the payload (to match answers to requests);
  //    `idempotencyKey` makes a retry after a lost answer return the same draft, not a second.
  console.log(`\n3. createApplication: a draft for permanent registration at ${RKA}`);
  const clientMutationId = randomUUID();
  const { createApplication } = await graphql(
    `mutation ($input: CreateApplicationInput!) {
      createApplication(input: $input) {
        application { id number version status missingRequirements { code field message } }
        userErrors { code field message detail }
        clientMutationId
      }
    }`,
    {
      input: {
        kind: "PERMANENT",
        address: { rka: RKA },
        personalDataConsent: true,
        idempotencyKey: randomUUID(),
        clientMutationId,
      },
    },
  );
  const created = checkUserErrors("createApplication", createApplication);
  if (created.clientMutationId !== clientMutationId) {
    throw new Stop(`createApplication echoed clientMutationId ${created.clientMutationId}`);
  }
  const draft = created.application;
  console.log(`   draft ${draft.number}, version ${draft.version}, status ${draft.status}`);
  if (draft.missingRequirements.length > 0) {
    const lines = draft.missingRequirements.map((m) => `${m.code} at ${m.field.join(".")}: ${m.message}`);
    throw new Stop(`the draft cannot be submitted yet:\n  ${lines.join("\n  ")}`);
  }

  //    What to sign: one version of the draft, fixed as exact bytes. If the draft changes
  //    afterwards, this signing request becomes void: prepare a new one. `keyRequirements`
  //    says which key NCALayer must offer (its OIDs and the IIN that must sign).
  console.log("\n4. prepareSigning: what to sign");
  const { prepareSigning } = await graphql(
    `mutation ($input: PrepareSigningInput!) {
      prepareSigning(input: $input) {
        signingRequest {
          id payload text digest expiresAt allowedMethods
          keyRequirements { purpose extendedKeyUsageOids iin bin roleOids }
        }
        userErrors { code field message detail }
      }
    }`,
    { input: { applicationId: draft.id, version: draft.version } },
  );
  const { signingRequest } = checkUserErrors("prepareSigning", prepareSigning);
  show(signingRequest.text);

  //    Signed with the SIGNATURE key, after the person has read the text above.
  const submitCms = await sign("aigerim.sign.pem", signingRequest.payload, {
    extKeyUsageOids: signingRequest.keyRequirements.extendedKeyUsageOids,
    iin: signingRequest.keyRequirements.iin,
  });

  //    Submitted with the signature. The answer is the application as it is now: her own flat
  //    needs no other owner's consent, so the service decides it at once and it comes back
  //    REGISTERED, with its `registration` (the service's result). An application that waits for
  //    owners' consents is AWAITING_CONSENTS; one an officer decides is IN_REVIEW.
  console.log("\n5. submitApplication: submit it with the signature");
  const { submitApplication } = await graphql(
    `mutation ($input: SubmitApplicationInput!) {
      submitApplication(input: $input) {
        application {
          id number status statusLabel submittedAt
          registration { address startsOn registryReference }
        }
        userErrors { code field message detail }
      }
    }`,
    { input: { signingRequestId: signingRequest.id, signature: { cms: submitCms } } },
  );
  const { application } = checkUserErrors("submitApplication", submitApplication);
  console.log(
    `   application ${application.number}: ${application.status} (${application.statusLabel}),` +
      ` at ${application.submittedAt}`,
  );
  const { registration } = application;
  if (registration) {
    console.log(
      `   registered at ${registration.address} from ${registration.startsOn}` +
        ` (population registry reference ${registration.registryReference})`,
    );
  }
  console.log(JSON.stringify({ number: application.number, status: application.status }));
}

main().catch((error) => {
  if (error instanceof Stop) {
    console.error(`client: ${error.message}`);
    process.exitCode = error.status;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
