// Runs graphql-http's audits of the GraphQL-over-HTTP specification against a live server and
// prints one JSON object: the counts and every audit that did not pass.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason });
}
const count = (status) => results.filter((r) => r.status === status).length;
console.log(JSON.stringify({
  ok: count('ok'),
  warn: count('warn'),
  error: count('error'),
  notOk: results.filter((r) => r.status !== 'ok'),
}));
