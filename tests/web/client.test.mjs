#!/usr/bin/env node
// The built-in web client in a real browser: Debian's headless chromium driven by playwright-core,
// against the real marquee binary on the demo catalogue (a temporary HOME, PORT=0), with tokens
// signed here for a key given to the server as CLERK_JWT_KEY (as bench/lists.sh does).
//
//   node tests/web/client.test.mjs <marquee binary> <screenshot folder>
//
// Needs `npm ci --prefix scripts` (playwright-core, axe-core) and chromium (scripts/setup.sh
// test); CHROMIUM overrides the browser's path. The machine may be offline: requests to
// image.tmdb.org are answered by the test with a generated SVG poster, nothing else leaves it.
// Exit status 0 when every check passes; each check prints a line.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { generateKeyPairSync, createSign, createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const [binary, shots = join(process.cwd(), 'screenshots/web')] = process.argv.slice(2);
if (!binary) {
    console.error('usage: node tests/web/client.test.mjs <marquee binary> [screenshot folder]');
    process.exit(2);
}
const require = createRequire(join(root, 'scripts/package.json'));
let chromium, axeSource;
try {
    ({ chromium } = require('playwright-core'));
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch {
    console.error('client.test: playwright-core or axe-core missing: run `npm ci --prefix scripts`');
    process.exit(2);
}
const executablePath = process.env.CHROMIUM
    ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!executablePath) {
    console.error('client.test: no chromium (apt-get install chromium, or scripts/setup.sh test)');
    process.exit(2);
}

let failures = 0;
const check = (ok, what, detail = '') => {
    console.log(`${ok ? 'PASS' : 'FAIL'}: ${what}${!ok && detail ? `: ${detail}` : ''}`);
    if (!ok) ++failures;
};

// Tokens as Clerk makes them, RS256.
const ORIGIN = 'http://localhost:5173';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64url = (b) => Buffer.from(b).toString('base64url');
function makeToken(user) {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'webtest' }));
    const payload = b64url(JSON.stringify({ sub: user, azp: ORIGIN, sid: `sess_${user}`, iat: now, nbf: now - 5, exp: now + 3600 }));
    const sig = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
    return `${header}.${payload}.${b64url(sig)}`;
}

// The server.
const home = mkdtempSync(join(tmpdir(), 'marquee-web-'));
const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'),
    PORT: '0', HOST: '127.0.0.1', CLERK_JWT_KEY: publicKey.export({ type: 'spki', format: 'pem' }),
    ALLOWED_ORIGINS: ORIGIN, LOG_LEVEL: 'info' };
for (const k of ['TMDB_API_KEY', 'DATABASE_URL', 'CLERK_PUBLISHABLE_KEY', 'CLERK_JWKS_URL', 'CLERK_SECRET_KEY', 'CLERK_ISSUER'])
    delete env[k];
function startServer(extra = {}) {
    const child = spawn(resolve(binary), ['--headless'], { env: { ...env, ...extra }, cwd: home, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const url = new Promise((resolveBase, reject) => {
        const timer = setTimeout(() => reject(new Error(`marquee did not start:\n${log}`)), 20000);
        child.stderr.on('data', (d) => {
            log += d;
            const m = /listening on (http:\/\/\S+)/.exec(log);
            if (m) { clearTimeout(timer); resolveBase(m[1]); }
        });
        child.on('exit', (code) => reject(new Error(`marquee exited (${code}):\n${log}`)));
    });
    return { child, url };
}
const stopServer = (child) => new Promise((r) => {
    if (child.exitCode !== null) return r();
    child.on('exit', r);
    child.kill('SIGTERM');
});

// With CLERK_PUBLISHABLE_KEY: the page names Clerk's frontend API, and the CSP allows it (a server
// of its own on its own database; it is never asked anything of Clerk here).
{
    const clerkHost = 'clerk.example.test';
    const key = `pk_test_${Buffer.from(`${clerkHost}$`).toString('base64')}`;
    const { child, url } = startServer({ CLERK_PUBLISHABLE_KEY: key, DATABASE_URL: `sqlite://${join(home, 'clerk.db')}` });
    const r = await fetch(`${await url}/`);
    const html = await r.text();
    const csp = r.headers.get('content-security-policy') ?? '';
    check(csp.includes(`script-src 'self' https://${clerkHost} https://challenges.cloudflare.com;`), 'with CLERK_PUBLISHABLE_KEY the CSP allows Clerk\'s frontend API', csp);
    check(html.includes(`content="https://${clerkHost}"`) && html.includes(`content="${key}"`), 'index.html names the key and the frontend API');
    await stopServer(child);
}

const { child: server, url: serverUrl } = startServer();
const base = await serverUrl;
console.log(`marquee at ${base}, chromium ${executablePath}`);

// A poster for every TMDB image URL, its colour from the file name.
function fakeImage(url) {
    const hue = parseInt(createHash('sha1').update(url).digest('hex').slice(0, 4), 16) % 360;
    const wide = /\/w1280\//.test(url);
    const [w, h] = wide ? [1280, 720] : [500, 750];
    const name = url.split('/').pop().replace(/\.\w+$/, '').slice(0, 8);
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
        `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},55%,42%)"/>` +
        `<stop offset="1" stop-color="hsl(${(hue + 60) % 360},45%,16%)"/></linearGradient></defs>` +
        `<rect width="100%" height="100%" fill="url(#g)"/><circle cx="${w * 0.7}" cy="${h * 0.3}" r="${w / 5}" fill="#ffffff18"/>` +
        `<text x="24" y="${h - 30}" font-family="sans-serif" font-size="${wide ? 28 : 22}" fill="#ffffff80">${name}</text></svg>`;
}

// The server's side: headers of / and the assets, 304, HEAD, 404s, no rate limiting.
{
    const index = await fetch(`${base}/`);
    const html = await index.text();
    check(index.headers.get('content-type') === 'text/html; charset=utf-8', '/ is text/html');
    check(index.headers.get('cache-control') === 'no-cache', '/ is revalidated (no-cache)', index.headers.get('cache-control'));
    const etag = index.headers.get('etag');
    check(Boolean(etag), '/ has an ETag');
    check((await fetch(`${base}/`, { headers: { 'If-None-Match': etag } })).status === 304, '/ answers 304 to its ETag');
    check(!index.headers.has('ratelimit-limit'), '/ is not rate limited');
    check(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has no inline script');
    const asset = /\/assets\/[0-9a-f]{12}\/app\.js/.exec(html)?.[0];
    check(Boolean(asset), 'index.html names a versioned app.js');
    const js = await fetch(`${base}${asset}`);
    check(js.status === 200 && js.headers.get('content-type') === 'text/javascript; charset=utf-8', 'app.js is text/javascript');
    check(js.headers.get('cache-control') === 'public, max-age=31536000, immutable', 'versioned assets are immutable', js.headers.get('cache-control'));
    check(!js.headers.has('ratelimit-limit'), 'assets are not rate limited');
    const css = await fetch(`${base}${asset.replace('app.js', 'app.css')}`);
    check(css.headers.get('content-type') === 'text/css; charset=utf-8', 'app.css is text/css');
    const head = await fetch(`${base}${asset}`, { method: 'HEAD' });
    check(head.status === 200 && (await head.text()) === '' && head.headers.get('content-length') === js.headers.get('content-length'), 'HEAD on an asset');
    for (const path of ['/assets/000000000000/app.js', `${asset.replace('app.js', 'nope.js')}`, '/nope']) {
        const r = await fetch(`${base}${path}`);
        const body = await r.json().catch(() => ({}));
        check(r.status === 404 && body.success === false && body.code === 'NOT_FOUND', `404 envelope for ${path}`);
    }
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
mkdirSync(shots, { recursive: true });

async function newPage(viewport, label) {
    const context = await browser.newContext({ viewport });
    await context.route(/^https:\/\/image\.tmdb\.org\//, (r) =>
        r.fulfill({ status: 200, contentType: 'image/svg+xml', body: fakeImage(r.request().url()) }));
    // Nothing else leaves the machine.
    await context.route((url) => !url.href.startsWith(base) && !url.href.startsWith('https://image.tmdb.org/'),
        (r) => r.abort());
    const page = await context.newPage();
    page.consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(`${label}: ${m.text()}`); });
    page.on('pageerror', (e) => page.consoleErrors.push(`${label}: ${e.message}`));
    return page;
}

const posterCount = (page) => page.evaluate(() =>
    [...document.querySelectorAll('.track img.poster')].filter((i) => i.complete && i.naturalWidth > 0).length);

try {
    // Home, desktop.
    const page = await newPage({ width: 1280, height: 800 }, 'desktop');
    const res = await page.goto(`${base}/`);
    check(res.status() === 200, 'GET / answers 200');
    const csp = res.headers()['content-security-policy'] ?? '';
    check(/script-src 'self'(;|$)/.test(csp) && !csp.includes('unsafe-inline'), 'a strict Content-Security-Policy', csp);
    await page.waitForSelector('.row .track .card', { timeout: 15000 });
    await page.waitForFunction(() => document.querySelectorAll('.row').length >= 6
        && !document.querySelector('[aria-busy="true"]'), null, { timeout: 15000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.track img.poster')].filter((i) => i.complete && i.naturalWidth > 0).length >= 20, null, { timeout: 15000 }).catch(() => {});
    const rows = await page.$$eval('.row h2', (hs) => hs.map((x) => x.textContent));
    check(rows.length >= 6, 'home renders rows', rows.join(', '));
    for (const want of ['Trending this week', 'Popular movies', 'Top rated movies', 'Now playing'])
        check(rows.includes(want), `row "${want}"`);
    check((await posterCount(page)) >= 20, 'rows show posters', String(await posterCount(page)));
    check(await page.isVisible('.hero h1'), 'a hero title');
    check(/not endorsed or certified by TMDB/.test(await page.textContent('footer')), 'TMDB attribution');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'home-desktop-1280x800.png') });

    // Accessibility on the home page.
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(bad.length === 0, 'axe-core: no serious or critical violations on the home page',
        bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')}`).join(' | '));

    // Keyboard: arrow keys reach a title, Enter opens it.
    await page.evaluate(() => document.activeElement?.blur());
    let reached = false;
    for (let i = 0; i < 12 && !reached; ++i) {
        await page.keyboard.press('ArrowDown');
        reached = await page.evaluate(() => document.activeElement?.matches('.track .card-link') ?? false);
    }
    if (reached) await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(reached && /^#\/(movie|tv)\/\d+$/.test(focused ?? ''), 'arrow keys reach a title', focused);
    check(outline !== 'none', 'the focused title shows a focus ring', outline);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.title-page h1', { timeout: 10000 }).catch(() => {});
    check(page.url().endsWith(focused ?? '-') && await page.isVisible('.title-page h1'), 'Enter opens the title', page.url());

    // Search as you type.
    await page.goto(`${base}/#/`);
    await page.fill('#search', 'fight');
    await page.waitForSelector('.grid .card', { timeout: 10000 }).catch(() => {});
    const found = await page.$$eval('.grid .card-title', (ts) => ts.map((t) => t.textContent));
    check(found.includes('Fight Club'), 'search finds "Fight Club"', found.join(', '));

    // A title page.
    await page.click('.grid .card-link:has-text("Fight Club")');
    await page.waitForSelector('.title-page h1', { timeout: 10000 });
    const titleText = await page.textContent('.title-page');
    check((await page.textContent('.title-page h1')) === 'Fight Club', 'the title page opens');
    check(/Drama/.test(titleText) && /Brad Pitt/.test(titleText) && /min/.test(titleText), 'genres, cast and runtime shown');
    check(/Sign in \(Settings\)/.test(titleText), 'signed out: the list buttons are replaced by one line');
    await page.waitForSelector('#row-similar-titles ~ .track .card, .row:has(#row-similar-titles) .card', { timeout: 10000 }).catch(() => {});
    await page.screenshot({ path: join(shots, 'title-desktop-1280x800.png') });

    // TV: seasons and episodes.
    await page.goto(`${base}/#/tv/1399`);
    await page.waitForSelector('.episode', { timeout: 10000 }).catch(() => {});
    check((await page.$$('.episode')).length > 0, 'a TV title lists the episodes of a season');

    // Signed out: the watchlist is hidden with one line.
    await page.goto(`${base}/#/watchlist`);
    await page.waitForSelector('.signed-out');
    check(await page.isVisible('.signed-out'), 'signed out: the watchlist page explains why it is empty');

    // Signed in with a developer token: add to the watchlist, see it on the watchlist page.
    await page.click('#settings-open');
    await page.fill('#token', makeToken('user_web_1'));
    await page.click('#token-save');
    await page.click('#settings button[type=submit]');
    await page.goto(`${base}/#/movie/550`);
    const add = page.locator('.title-page button[data-list="watchlist"]');
    await add.waitFor({ timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector('.title-page button[data-list="watchlist"]').disabled);
    await add.click();
    await page.waitForSelector('.title-page button[data-list="watchlist"][aria-pressed="true"]', { timeout: 10000 }).catch(() => {});
    check((await add.getAttribute('aria-pressed')) === 'true', 'the watchlist button shows the title added');
    await page.goto(`${base}/#/watchlist`);
    await page.waitForSelector('.grid .card', { timeout: 10000 }).catch(() => {});
    const listed = await page.$$eval('.grid .card-title', (ts) => ts.map((t) => t.textContent));
    check(listed.includes('Fight Club'), 'the title is on the watchlist page', listed.join(', '));
    await page.screenshot({ path: join(shots, 'watchlist-desktop-1280x800.png') });
    await page.click('.grid button.remove');
    await page.waitForFunction(() => !document.querySelector('.grid .card'), null, { timeout: 10000 }).catch(() => {});
    check((await page.$$('.grid .card')).length === 0, 'Remove takes it off the watchlist');

    // Phone.
    const phone = await newPage({ width: 390, height: 844 }, 'phone');
    await phone.goto(`${base}/`);
    await phone.waitForFunction(() => document.querySelectorAll('.row').length >= 6
        && !document.querySelector('[aria-busy="true"]'), null, { timeout: 15000 });
    await phone.waitForFunction(() => [...document.querySelectorAll('.track img.poster')].filter((i) => i.complete && i.naturalWidth > 0).length >= 6, null, { timeout: 15000 }).catch(() => {});
    const overflow = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(overflow[0] <= overflow[1], '390 px: no horizontal page scroll', `${overflow[0]} > ${overflow[1]}`);
    await phone.screenshot({ path: join(shots, 'home-phone-390x844.png') });
    await phone.goto(`${base}/#/movie/550`);
    await phone.waitForSelector('.title-page h1');
    const overflow2 = await phone.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(overflow2[0] <= overflow2[1], '390 px: no horizontal scroll on a title page', `${overflow2[0]} > ${overflow2[1]}`);
    await phone.screenshot({ path: join(shots, 'title-phone-390x844.png') });

    // A row that fails says so; the others render. (Its own page: the failed request is a console
    // error there by design.)
    const failing = await newPage({ width: 1280, height: 800 }, 'failing');
    await failing.route(/\/api\/movies\/now-playing/, (r) => r.fulfill({ status: 503, contentType: 'application/json',
        body: JSON.stringify({ success: false, error: 'TMDB is unreachable and nothing is cached', code: 'SERVICE_UNAVAILABLE', requestId: 'x' }) }));
    await failing.goto(`${base}/`);
    await failing.waitForSelector('.row .error', { timeout: 15000 }).catch(() => {});
    const note = await failing.textContent('.row .error').catch(() => '');
    check(/Now playing could not be loaded: TMDB is unreachable/.test(note ?? ''), 'a failing row shows a clear message', note);
    check((await failing.$$('.row .track .card')).length >= 20, 'the other rows still render');

    // A slow answer for an earlier route never lands on the page the user went to meanwhile.
    {
        const stale = await newPage({ width: 1280, height: 800 }, 'stale');
        await stale.route(/\/api\/movies\/550\?/, async (r) => { await new Promise((d) => setTimeout(d, 1500)); await r.continue().catch(() => {}); });
        await stale.goto(`${base}/#/movie/550`);
        await stale.waitForTimeout(200);
        await stale.evaluate(() => { location.hash = '#/watchlist'; });
        await stale.waitForTimeout(2500);
        const heads = await stale.evaluate(() => [...document.querySelectorAll('main h1')].map((e) => e.textContent));
        const title = await stale.title();
        check(heads.length === 1 && heads[0] === 'Watchlist' && title === 'Watchlist · Marquee',
            'a late answer of an earlier route stays off the current page', `${JSON.stringify(heads)} / ${title}`);
        await stale.context().close();
    }

    // With MARQUEE_IMAGE_PROXY=on the posters come through Marquee's image cache: a server of its
    // own whose image host is a local stand-in; the browser reaches nothing but Marquee.
    {
        // A real JPEG (Marquee types a file by its name: these are .jpg), made by Chromium itself.
        const painter = await browser.newPage({ viewport: { width: 40, height: 60 } });
        await painter.setContent('<body style="margin:0;background:linear-gradient(#7a2,#135)"></body>');
        const jpeg = await painter.screenshot({ type: 'jpeg' });
        await painter.close();
        const served = [];
        const imageHost = createServer((req, res) => {
            served.push(req.url);
            res.writeHead(200, { 'Content-Type': 'image/jpeg' });
            res.end(jpeg);
        });
        await new Promise((r) => imageHost.listen(0, '127.0.0.1', r));
        const { child, url } = startServer({ MARQUEE_IMAGE_PROXY: 'on',
            TMDB_IMAGE_BASE_URL: `http://127.0.0.1:${imageHost.address().port}/t/p`,
            DATABASE_URL: `sqlite://${join(home, 'proxy.db')}`, MARQUEE_IMAGE_CACHE_DIR: join(home, 'images') });
        const proxyBase = await url;
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.route((u) => !u.href.startsWith(proxyBase), (r) => r.abort());
        const proxied = await context.newPage();
        const proxyErrors = [];
        proxied.on('pageerror', (e) => proxyErrors.push(e.message));
        await proxied.goto(`${proxyBase}/`);
        await proxied.waitForFunction(() => [...document.querySelectorAll('.track img.poster')]
            .filter((i) => i.complete && i.naturalWidth > 0).length >= 6, null, { timeout: 15000 }).catch(() => {});
        const sources = await proxied.evaluate(() => [...document.querySelectorAll('.track img.poster')]
            .filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.getAttribute('src')));
        check(sources.length >= 6 && sources.every((s) => s.startsWith('/api/images/')),
            'image proxy on: posters load through /api/images/', sources.slice(0, 3).join(' '));
        check(served.length > 0 && served.every((u) => u.startsWith('/t/p/')), 'the image cache fetched them from TMDB_IMAGE_BASE_URL', served.slice(0, 3).join(' '));
        check(proxyErrors.length === 0, 'image proxy on: no page errors', proxyErrors.join(' | '));
        await context.close();
        await stopServer(child);
        imageHost.close();
    }

    const errors = [...page.consoleErrors, ...phone.consoleErrors];
    check(errors.length === 0, 'no console errors', errors.join(' | '));
} catch (e) {
    check(false, 'the browser test ran to the end', e.stack ?? String(e));
} finally {
    await browser.close();
    await stopServer(server);
    rmSync(home, { recursive: true, force: true });
}
console.log(`client.test: ${failures ? `FAILED (${failures})` : 'OK'}; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
