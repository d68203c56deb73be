#!/usr/bin/env node
// Checks resources/openapi.json: a valid OpenAPI document (by @apidevtools/swagger-parser, a
// standard validator), consistent with itself (path parameters, operation ids, tags, the
// responses every route has), and in step with the routes the server registers.
//
//   npm ci --prefix scripts        (once; offline afterwards)
//   node scripts/check-openapi.mjs resources/openapi.json [routes.txt]
//
// routes.txt is what `marquee routes` prints: one `METHOD /pattern` a line, e.g.
// `GET /api/movies/{id}`. Blank lines and lines starting with # are skipped. Optional
// `tier=general|search|sensitive|none` and `access=public|optional|user|admin` words after the
// pattern are checked against the operation's `x-rate-tier` and `security`; `counting=self` (the
// route counts only the requests it refuses) against `x-rate-counting: self`. HEAD counts as GET
// (the server answers HEAD for every GET route); OPTIONS lines are skipped (answered by the
// pipeline for every path).
//
// Exit status: 0 all good, 1 problems found (each printed), 2 bad usage or missing dependency.
// The last line printed is a one-line summary.

import { readFileSync } from 'node:fs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TIERS = ['general', 'search', 'sensitive', 'none'];
const ACCESS = ['public', 'optional', 'user', 'admin'];
const COUNTING = ['every', 'self']; // x-rate-counting; absent means every

function usage(message) {
    if (message) console.error(`check-openapi: ${message}`);
    console.error('usage: node scripts/check-openapi.mjs <openapi.json> [routes.txt]');
    process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 1 || args.length > 2 || args.includes('--help')) usage();
const [docFile, routesFile] = args;

let SwaggerParser;
try {
    SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
} catch {
    usage('@apidevtools/swagger-parser is not installed: run `npm ci --prefix scripts` first');
}

const problems = [];
const problem = (text) => problems.push(text);

function readText(file) {
    try {
        return readFileSync(file, 'utf8');
    } catch (e) {
        usage(`cannot read ${file}: ${e.code ?? e.message}`);
    }
}

let doc;
try {
    doc = JSON.parse(readText(docFile));
} catch (e) {
    console.log(`check-openapi: FAILED: ${docFile} is not JSON (${e.message})`);
    process.exit(1);
}

// 1. The standard validator: the OpenAPI schema, $refs, and what it checks beyond the schema.
try {
    await SwaggerParser.validate(structuredClone(doc));
} catch (e) {
    // Ajv reports every branch of a failed oneOf; the lines that only say "not a $ref either" repeat
    // the real problem up the tree.
    const lines = String(e.message).split('\n').map((l) => l.trim()).filter(Boolean);
    const cascade = / must (have required property '\$ref'|match exactly one schema in oneOf)$/;
    const specific = lines.filter((l) => !cascade.test(l));
    for (const line of specific.length > 1 ? specific : lines) problem(`validator: ${line}`);
}

// 2. Consistency the schema cannot express.
const deref = (node) => {
    let n = node;
    for (let hops = 0; n && typeof n.$ref === 'string' && hops < 10; ++hops) {
        const parts = n.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
        n = parts.reduce((o, k) => (o == null ? undefined : o[k]), doc);
    }
    return n;
};

const operations = []; // { path, method, op }
for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS)
        if (item?.[method]) operations.push({ path, method, op: item[method], item });
}

const shape = (path) => path.replace(/\{[^}]*\}/g, '{}');
const templateNames = (path) => [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
const declaredTags = new Set((doc.tags ?? []).map((t) => t.name));
const seenIds = new Map();
const isOptionalAuth = (security) => Array.isArray(security) && security.some((s) => Object.keys(s).length === 0);
const needsToken = (security) => Array.isArray(security) && security.length > 0 && !isOptionalAuth(security);

for (const { path, method, op, item } of operations) {
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.operationId) problem(`${where}: no operationId`);
    else if (seenIds.has(op.operationId)) problem(`${where}: operationId ${op.operationId} also used by ${seenIds.get(op.operationId)}`);
    else seenIds.set(op.operationId, where);

    for (const tag of op.tags ?? []) if (!declaredTags.has(tag)) problem(`${where}: tag "${tag}" is not declared in the top-level tags`);
    if (!op.tags?.length) problem(`${where}: no tags`);

    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
    const pathParams = params.filter((p) => p?.in === 'path');
    const names = templateNames(path);
    for (const n of names) {
        const p = pathParams.find((x) => x.name === n);
        if (!p) problem(`${where}: path parameter {${n}} is not declared`);
        else if (p.required !== true) problem(`${where}: path parameter {${n}} must be required`);
    }
    for (const p of pathParams) if (!names.includes(p.name)) problem(`${where}: path parameter "${p.name}" is not in the path`);
    const seenParams = new Set();
    for (const p of params) {
        const key = `${p?.in}:${p?.name}`;
        if (seenParams.has(key)) problem(`${where}: parameter ${p.name} (${p.in}) declared twice`);
        seenParams.add(key);
    }

    const responses = op.responses ?? {};
    if (!Object.keys(responses).some((s) => /^2\d\d$/.test(s))) problem(`${where}: no 2xx response`);
    const security = op.security ?? doc.security;
    // Headers the server always sends are `required`, so a validator of real answers catches a
    // regression: every answer's X-Request-Id and Date; the rate-limit headers on /api 2xx
    // answers; ETag, X-Cache, Vary and Cache-Control on a catalogue (optional-token) 200, whose
    // Cache-Control must say both public (anonymous) and private (signed in).
    const mustHave = (status, resolved, name) => {
        const h = deref(resolved?.headers?.[name]);
        if (!h) problem(`${where}: response ${status} does not list the ${name} header`);
        else if (h.required !== true) problem(`${where}: response ${status}: header ${name} must be required`);
        return h;
    };
    const counting = op['x-rate-counting'] ?? 'every';
    if (!COUNTING.includes(counting)) problem(`${where}: x-rate-counting must be one of ${COUNTING.join(', ')}`);
    // A route counting itself (x-rate-counting: self) sends RateLimit-* only on what it refuses.
    const tierOn = op['x-rate-tier'] && op['x-rate-tier'] !== 'none' && counting !== 'self';
    for (const [status, r] of Object.entries(responses)) {
        const resolved = deref(r);
        mustHave(status, resolved, 'X-Request-Id');
        mustHave(status, resolved, 'Date');
        if (/^2\d\d$/.test(status) && path.startsWith('/api/') && tierOn)
            for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) mustHave(status, resolved, name);
        if (status === '200' && isOptionalAuth(security)) {
            for (const name of ['ETag', 'X-Cache', 'Vary']) mustHave(status, resolved, name);
            const cc = mustHave(status, resolved, 'Cache-Control');
            if (cc && !(/public/.test(cc.description ?? '') && /private/.test(cc.description ?? '')))
                problem(`${where}: response 200: Cache-Control must describe both public (anonymous) and private (signed-in) answers`);
        }
    }
    if (needsToken(security) && !responses['401']) problem(`${where}: requires a token but has no 401 response`);
    const tier = op['x-rate-tier'];
    if (!TIERS.includes(tier)) problem(`${where}: x-rate-tier must be one of ${TIERS.join(', ')}`);
    else if (tier !== 'none' && !responses['429']) problem(`${where}: rate tier ${tier} but no 429 response`);
    if (path.startsWith('/api/') && tier === 'none') problem(`${where}: /api routes are rate limited (docs/api.md, "Rate limits")`);
}

// 3. The server's routes against the document.
let registered = 0;
if (routesFile) {
    const registeredOps = new Set();
    const byShape = new Map();
    for (const { path, method } of operations) byShape.set(`${method} ${shape(path)}`, path);

    readText(routesFile).split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#')) return;
        const [methodWord, pattern, ...extra] = line.split(/\s+/);
        const where = `${routesFile}:${i + 1}`;
        let method = methodWord?.toLowerCase();
        if (!METHODS.includes(method) || !pattern?.startsWith('/')) {
            problem(`${where}: not "METHOD /pattern": ${line}`);
            return;
        }
        if (method === 'options') return;
        if (method === 'head') method = 'get';
        const key = `${method} ${pattern}`;
        if (registeredOps.has(key)) return;
        registeredOps.add(key);
        ++registered;
        const op = doc.paths?.[pattern]?.[method];
        if (!op) {
            const other = byShape.get(`${method} ${shape(pattern)}`);
            problem(other
                ? `${methodWord.toUpperCase()} ${pattern}: documented as ${other} (parameter names differ)`
                : `${methodWord.toUpperCase()} ${pattern}: registered by the server but not documented`);
            return;
        }
        let counting = 'every';
        for (const word of extra) {
            const [k, v] = word.split('=');
            if (k === 'tier') {
                if (!TIERS.includes(v)) problem(`${where}: unknown tier "${v}"`);
                else if (op['x-rate-tier'] !== v) problem(`${method.toUpperCase()} ${pattern}: server tier ${v}, documented x-rate-tier ${op['x-rate-tier']}`);
            } else if (k === 'access') {
                const security = op.security ?? doc.security ?? [];
                const documented = security.length === 0 ? 'public' : isOptionalAuth(security) ? 'optional' : 'user';
                const expected = v === 'admin' ? 'user' : v;
                if (!ACCESS.includes(v)) problem(`${where}: unknown access "${v}"`);
                else if (documented !== expected) problem(`${method.toUpperCase()} ${pattern}: server access ${v}, documented security says ${documented}`);
            } else if (k === 'counting') {
                if (!COUNTING.includes(v)) problem(`${where}: unknown counting "${v}"`);
                counting = v;
            } else {
                problem(`${where}: unknown word "${word}"`);
            }
        }
        if (extra.length && counting !== (op['x-rate-counting'] ?? 'every'))
            problem(`${method.toUpperCase()} ${pattern}: server counting ${counting}, documented x-rate-counting ${op['x-rate-counting'] ?? 'every'}`);
    });
    for (const { path, method } of operations) {
        if (!registeredOps.has(`${method} ${path}`)) problem(`${method.toUpperCase()} ${path}: documented but the server does not register it`);
    }
}

for (const p of problems) console.log(`  ${p}`);
const what = `${docFile}: OpenAPI ${doc.openapi ?? '?'}, ${operations.length} operations on ${Object.keys(doc.paths ?? {}).length} paths`;
const routesPart = routesFile ? `; ${registered} registered routes` : '';
if (problems.length) {
    console.log(`check-openapi: FAILED: ${problems.length} problem(s); ${what}${routesPart}`);
    process.exit(1);
}
console.log(`check-openapi: OK: ${what}, valid${routesFile ? `${routesPart}, all documented and nothing extra` : ''}`);
