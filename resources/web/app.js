// Marquee's web client: hash routes (#/, #/movie/550, #/tv/1399, #/search/<query>, #/watchlist,
// #/favorites), search as you type, settings (developer token, Clerk) and arrow-key navigation
// for TVs.
import { home, titlePage, listPage, searchPage } from './views.js';
import {
    setDevToken, devToken, onAuthChange, clerkConfigured, loadClerk, openClerkSignIn,
    clerkSignOut, clerkUser,
} from './auth.js';

const main = document.getElementById('main');
const search = document.getElementById('search');
let searchController = null;

function route() {
    const hash = location.hash || '#/';
    if (!hash.startsWith('#/')) return;
    const parts = hash.slice(2).split('/');
    searchController?.abort();
    searchController = null;
    // Each navigation renders into a page of its own: a view still awaiting an answer for an
    // earlier route appends to a page no longer in the document, never to this one.
    const page = document.createElement('div');
    page.className = 'page';
    main.replaceChildren(page);
    document.title = 'Marquee';
    for (const a of document.querySelectorAll('.menu a')) {
        if (a.dataset.route === (parts[0] || 'home')) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
    }
    if ((parts[0] === 'movie' || parts[0] === 'tv') && /^\d+$/.test(parts[1] ?? '')) {
        titlePage(page, parts[0], parts[1]);
    } else if (parts[0] === 'watchlist' || parts[0] === 'favorites') {
        listPage(page, parts[0]);
    } else if (parts[0] === 'search') {
        const raw = parts.slice(1).join('/');
        let q = raw;
        try { q = decodeURIComponent(raw); } catch { /* a malformed escape: the text as it is */ }
        if (search.value !== q && document.activeElement !== search) search.value = q;
        searchController = new AbortController();
        searchPage(page, q, searchController.signal);
    } else {
        home(page);
    }
    if (parts[0] !== 'search' && document.activeElement !== search) search.value = '';
    window.scrollTo(0, 0);
}

// Search as you type: 250 ms after the last key, the previous request cancelled.
let debounce = 0;
search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
        const q = search.value.trim();
        const target = q ? `#/search/${encodeURIComponent(q)}` : '#/';
        if (location.hash.startsWith('#/search/') && q) {
            history.replaceState(null, '', target);
            route();
        } else {
            location.hash = target;
        }
    }, 250);
});
document.getElementById('search-form').addEventListener('submit', (ev) => ev.preventDefault());

// Settings: the developer token and, when configured, Clerk.
const dialog = document.getElementById('settings');
const tokenInput = document.getElementById('token');
const tokenStatus = document.getElementById('token-status');
const showTokenStatus = () => {
    tokenStatus.textContent = devToken() ? 'A developer token is in use in this tab.' : 'No developer token.';
};
document.getElementById('settings-open').addEventListener('click', () => {
    tokenInput.value = devToken();
    showTokenStatus();
    dialog.showModal();
});
document.getElementById('token-save').addEventListener('click', () => {
    setDevToken(tokenInput.value);
    showTokenStatus();
});
document.getElementById('token-clear').addEventListener('click', () => {
    tokenInput.value = '';
    setDevToken('');
    showTokenStatus();
});
if (clerkConfigured()) {
    const section = document.getElementById('clerk-section');
    const status = document.getElementById('clerk-status');
    const signIn = document.getElementById('clerk-sign-in');
    const signOut = document.getElementById('clerk-sign-out');
    section.hidden = false;
    signIn.disabled = true;
    const show = () => {
        const user = clerkUser();
        status.textContent = user ? `Signed in as ${user.primaryEmailAddress?.emailAddress ?? user.id}.` : 'Not signed in.';
        signIn.hidden = Boolean(user);
        signOut.hidden = !user;
        signIn.disabled = false;
    };
    signIn.addEventListener('click', () => { dialog.close(); openClerkSignIn(); });
    signOut.addEventListener('click', () => clerkSignOut());
    onAuthChange(show);
    loadClerk().catch((e) => { status.textContent = e.message; });
}
let lastSignedIn = null;
onAuthChange(() => {
    const now = devToken() || clerkUser()?.id || '';
    if (now !== lastSignedIn) {
        lastSignedIn = now;
        route();
    }
});
lastSignedIn = devToken();

// TV remotes and keyboards: arrow keys move the focus to the nearest item in that direction,
// Enter opens it (links do that themselves).
const DIRS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
function focusables() {
    return [...document.querySelectorAll('main a[href], main button:not([disabled]), main [tabindex="0"], main select, header a[href], header input, header button')]
        .filter((el) => el.offsetParent !== null || el === document.activeElement);
}
document.addEventListener('keydown', (ev) => {
    const dir = DIRS[ev.key];
    if (!dir || ev.altKey || ev.ctrlKey || ev.metaKey || dialog.open) return;
    const active = document.activeElement;
    if (active?.matches('input, select, textarea') && dir[1] === 0) {
        // Left and right leave a select (a TV remote has no Tab); in a text field they move the
        // caret.
        if (active.tagName !== 'SELECT') return;
    } else if (active?.tagName === 'SELECT') {
        return; // up and down choose in it
    }
    const from = active && active !== document.body && active !== main ? active.getBoundingClientRect() : null;
    const candidates = focusables();
    if (!from) {
        const first = main.querySelector('[data-nav]') ?? candidates[0];
        if (first) { ev.preventDefault(); first.focus(); first.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
        return;
    }
    const cx = from.left + from.width / 2;
    const cy = from.top + from.height / 2;
    let best = null;
    let bestScore = Infinity;
    for (const el of candidates) {
        if (el === active) continue;
        const r = el.getBoundingClientRect();
        const dx = r.left + r.width / 2 - cx;
        const dy = r.top + r.height / 2 - cy;
        const along = dx * dir[0] + dy * dir[1];
        if (along <= 4) continue;
        const across = Math.abs(dir[0] ? dy : dx);
        // Rows first: moving sideways stays in the row, moving up or down prefers the start of
        // the row's visible part.
        const score = along + across * (dir[0] ? 4 : 0.6);
        if (score < bestScore) { bestScore = score; best = el; }
    }
    if (best) {
        ev.preventDefault();
        best.focus({ preventScroll: true });
        best.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
});

window.addEventListener('hashchange', route);
route();
