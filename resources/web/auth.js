// Who the user is: a developer token (sessionStorage) or, when the server has
// CLERK_PUBLISHABLE_KEY, a Clerk session through Clerk's own JavaScript, loaded from the
// instance's frontend API (the host the publishable key encodes; the server puts both in
// index.html's meta tags).
const TOKEN_KEY = 'marquee.devToken';
const listeners = new Set();
let clerk = null;

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';

export const clerkPublishableKey = () => meta('marquee-clerk-publishable-key');
export const clerkFrontendApi = () => meta('marquee-clerk-frontend-api');
export const clerkConfigured = () => Boolean(clerkPublishableKey() && clerkFrontendApi());

function notify() {
    for (const f of listeners) f();
}

export function onAuthChange(f) {
    listeners.add(f);
}

export function devToken() {
    try {
        return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
        return '';
    }
}

export function setDevToken(value) {
    const t = (value ?? '').trim().replace(/^Bearer\s+/i, '');
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
    notify();
}

export const clerkUser = () => clerk?.user ?? null;
export const signedIn = () => Boolean(devToken() || clerk?.session);

// The bearer token for the next request, or null.
export async function token() {
    const t = devToken();
    if (t) return t;
    if (clerk?.session) {
        try {
            return await clerk.session.getToken();
        } catch {
            return null;
        }
    }
    return null;
}

// Clerk's documented script tag (clerk.com/docs/quickstarts/javascript, "Add ClerkJS via a
// script tag"), made by this module: the page has no inline scripts.
export async function loadClerk() {
    if (!clerkConfigured()) return;
    await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = `${clerkFrontendApi()}/npm/@clerk/clerk-js@5/dist/clerk.browser.js`;
        s.async = true;
        s.crossOrigin = 'anonymous';
        s.dataset.clerkPublishableKey = clerkPublishableKey();
        s.addEventListener('load', resolve);
        s.addEventListener('error', () => reject(new Error('Clerk’s sign-in could not be loaded')));
        document.head.append(s);
    });
    await window.Clerk.load();
    clerk = window.Clerk;
    clerk.addListener(() => notify());
    notify();
}

export const openClerkSignIn = () => clerk?.openSignIn();
export const clerkSignOut = () => clerk?.signOut();
