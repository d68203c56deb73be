// What the pages are made of. DOM built with h() (never HTML strings): titles from TMDB are text,
// and the Content-Security-Policy allows no inline styles or scripts.
import { api, titleOf, titleOfItem, inList, addToList, removeFromList, ApiError } from './api.js';
import { signedIn } from './auth.js';

export function h(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props ?? {})) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else if (k === 'text') el.textContent = v;
        else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
        if (c === null || c === undefined || c === false) continue;
        el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
}

const year = (date) => (date ? date.slice(0, 4) : '');
const rating = (r) => (typeof r === 'number' && r > 0 ? `★ ${r.toFixed(1)}` : '');
export const titleHref = (t) => `#/${t.type}/${t.id}`;

function poster(t) {
    if (!t.poster) return h('div', { class: 'poster placeholder', 'aria-hidden': 'true' }, t.name);
    const img = h('img', { class: 'poster', src: t.poster, alt: '', loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () =>
        img.replaceWith(h('div', { class: 'poster placeholder', 'aria-hidden': 'true' }, t.name)));
    return img;
}

export function card(t, extra) {
    return h('li', { class: 'card' },
        h('a', { class: 'card-link', href: titleHref(t), 'data-nav': 'card' },
            poster(t),
            h('span', { class: 'card-title' }, t.name),
            h('span', { class: 'card-meta' }, [year(t.date), rating(t.rating)].filter(Boolean).join(' · '))),
        extra ?? null);
}

export function errorNote(what, e) {
    return h('p', { class: 'error', role: 'status' }, `${what}: ${e?.message ?? e}`);
}

// A horizontal row that loads on its own: a failure shows a message in its place, the other rows
// are unaffected.
export function row(label, load) {
    const id = `row-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    const track = h('ul', { class: 'track', 'aria-busy': 'true' });
    const section = h('section', { class: 'row', 'aria-labelledby': id },
        h('h2', { id }, label), track);
    load().then((titles) => {
        track.removeAttribute('aria-busy');
        if (!titles.length) track.replaceWith(h('p', { class: 'empty' }, 'Nothing here yet.'));
        else track.append(...titles.map((t) => card(t)));
    }, (e) => {
        track.replaceWith(errorNote(`${label} could not be loaded`, e));
    });
    return section;
}

const results = (r, type) => (r.data?.results ?? []).map((o) => titleOf(o, type)).filter(Boolean);

export function listButtons(t) {
    if (!signedIn()) {
        return h('p', { class: 'hint' },
            'Sign in (Settings) to keep a watchlist and favorites.');
    }
    const box = h('div', { class: 'actions' });
    for (const [list, label] of [['watchlist', 'Watchlist'], ['favorites', 'Favorite']]) {
        const b = h('button', { type: 'button', class: 'button secondary', 'aria-pressed': 'false', disabled: true, 'data-list': list }, `+ ${label}`);
        let on = false;
        const show = () => {
            b.setAttribute('aria-pressed', String(on));
            b.textContent = on ? `✓ ${label}` : `+ ${label}`;
            b.title = on ? `Remove from ${list}` : `Add to ${list}`;
        };
        inList(list, t).then((v) => { on = v; b.disabled = false; show(); },
            (e) => { b.disabled = false; b.title = e.message; });
        b.addEventListener('click', async () => {
            b.disabled = true;
            try {
                if (on) await removeFromList(list, t);
                else await addToList(list, t);
                on = !on;
            } catch (e) {
                if (e instanceof ApiError && e.status === 409) on = true;
                else box.append(errorNote(`The ${list} was not changed`, e));
            }
            b.disabled = false;
            show();
        });
        box.append(b);
    }
    return box;
}

export async function home(main) {
    const hero = h('section', { class: 'hero', 'aria-label': 'Featured' });
    main.append(hero);
    const trending = api('/api/trending').then((r) => results(r));
    trending.then((ts) => {
        const t = ts.find((x) => x.backdrop) ?? ts[0];
        if (!t) return;
        hero.append(
            t.backdrop ? h('img', { class: 'hero-image', src: t.backdrop, alt: '' }) : null,
            h('div', { class: 'hero-text' },
                h('h1', {}, t.name),
                h('p', { class: 'hero-meta' }, [year(t.date), rating(t.rating)].filter(Boolean).join(' · ')),
                h('p', { class: 'hero-overview' }, t.overview),
                h('div', { class: 'actions' },
                    h('a', { class: 'button', href: titleHref(t), 'data-nav': 'hero' }, 'More info')),
                listButtons(t)));
        hero.querySelector('.hero-image')?.addEventListener('error', (ev) => ev.target.remove());
    }, () => hero.remove());

    main.append(
        row('Trending this week', () => trending),
        row('Popular movies', () => api('/api/movies/popular').then((r) => results(r, 'movie'))),
        row('Popular on TV', () => api('/api/tv/popular').then((r) => results(r, 'tv'))),
        row('Top rated movies', () => api('/api/movies/top-rated').then((r) => results(r, 'movie'))),
        row('Now playing', () => api('/api/movies/now-playing').then((r) => results(r, 'movie'))),
        row('Top rated TV', () => api('/api/tv/top-rated').then((r) => results(r, 'tv'))));

    // By genre: the first genres that have titles.
    const genres = h('div', { class: 'genre-rows' });
    main.append(genres);
    try {
        const g = await api('/api/movies/genres');
        for (const genre of (g.data?.genres ?? []).slice(0, 4)) {
            genres.append(row(genre.name, () =>
                api(`/api/movies/discover?with_genres=${genre.id}&sort_by=popularity.desc`).then((r) => results(r, 'movie'))));
        }
    } catch (e) {
        genres.append(errorNote('Genres could not be loaded', e));
    }
}

function facts(d, type) {
    const minutes = type === 'movie' ? d.runtime : d.episode_run_time?.[0];
    const out = [];
    const y = year(d.release_date ?? d.first_air_date);
    if (y) out.push(y);
    if (minutes) out.push(`${Math.floor(minutes / 60) ? `${Math.floor(minutes / 60)} h ` : ''}${minutes % 60} min`);
    if (type === 'tv' && d.number_of_seasons) out.push(`${d.number_of_seasons} season${d.number_of_seasons > 1 ? 's' : ''}`);
    if (d.vote_average) out.push(`★ ${d.vote_average.toFixed(1)} (${d.vote_count ?? 0} votes)`);
    return out.join(' · ');
}

export async function titlePage(main, type, id) {
    const path = type === 'movie' ? 'movies' : 'tv';
    let d;
    try {
        d = (await api(`/api/${path}/${id}?append=credits,videos,similar`)).data;
    } catch (e) {
        main.append(h('h1', {}, 'Title'), errorNote('This title could not be loaded', e));
        return;
    }
    const t = titleOf(d, type);
    if (!main.isConnected) return; // the user went elsewhere meanwhile
    document.title = `${t.name} · Marquee`;
    const trailer = (d.videos?.results ?? []).find((v) => v.site === 'YouTube' && v.type === 'Trailer')
        ?? (d.videos?.results ?? []).find((v) => v.site === 'YouTube');
    main.append(h('article', { class: 'title-page' },
        h('div', { class: 'title-head' },
            t.backdrop ? h('img', { class: 'title-backdrop', src: t.backdrop, alt: '' }) : null,
            h('div', { class: 'title-main' },
                poster(t),
                h('div', { class: 'title-text' },
                    h('h1', {}, t.name),
                    d.tagline ? h('p', { class: 'tagline' }, d.tagline) : null,
                    h('p', { class: 'facts' }, facts(d, type)),
                    h('ul', { class: 'genres', 'aria-label': 'Genres' }, (d.genres ?? []).map((g) => h('li', {}, g.name))),
                    h('p', { class: 'overview' }, d.overview || 'No overview.'),
                    h('div', { class: 'actions' },
                        trailer ? h('a', { class: 'button', href: `https://www.youtube.com/watch?v=${encodeURIComponent(trailer.key)}`, rel: 'noopener noreferrer', target: '_blank', 'data-nav': 'hero' }, '▶ Trailer') : null),
                    listButtons(t)))),
        castRow(d.credits?.cast ?? []),
        type === 'tv' ? seasons(id, d.seasons ?? []) : null,
        row('Similar titles', async () => (d.similar?.results ?? []).map((o) => titleOf(o, type)).filter(Boolean))));
    main.querySelector('.title-backdrop')?.addEventListener('error', (ev) => ev.target.remove());
}

function castRow(cast) {
    if (!cast.length) return null;
    return h('section', { class: 'row', 'aria-labelledby': 'cast-h' },
        h('h2', { id: 'cast-h' }, 'Cast'),
        h('ul', { class: 'track cast' }, cast.slice(0, 15).map((c) =>
            h('li', { class: 'person', tabindex: '0', 'data-nav': 'card' },
                c.profile_url ? h('img', { src: c.profile_url, alt: '', loading: 'lazy' }) : h('div', { class: 'avatar', 'aria-hidden': 'true' }, (c.name ?? '?').slice(0, 1)),
                h('span', { class: 'card-title' }, c.name),
                h('span', { class: 'card-meta' }, c.character ?? '')))));
}

function seasons(id, list) {
    const shown = list.filter((s) => s.season_number > 0);
    if (!shown.length) return null;
    const episodes = h('ol', { class: 'episodes' });
    const select = h('select', { id: 'season-select' },
        shown.map((s) => h('option', { value: s.season_number }, `${s.name} (${s.episode_count} episodes)`)));
    let controller = null;
    const load = async () => {
        controller?.abort();
        controller = new AbortController();
        episodes.replaceChildren(h('li', { class: 'loading' }, 'Loading episodes…'));
        try {
            const r = await api(`/api/tv/${id}/season/${select.value}`, { signal: controller.signal });
            episodes.replaceChildren(...(r.data?.episodes ?? []).map((e) => h('li', { class: 'episode' },
                h('span', { class: 'episode-title' }, `${e.episode_number}. ${e.name}`),
                h('span', { class: 'card-meta' }, [e.air_date, e.runtime ? `${e.runtime} min` : ''].filter(Boolean).join(' · ')),
                e.overview ? h('p', {}, e.overview) : null)));
        } catch (e) {
            if (e.name !== 'AbortError') episodes.replaceChildren(h('li', {}, errorNote('Episodes could not be loaded', e)));
        }
    };
    select.addEventListener('change', load);
    load();
    return h('section', { class: 'seasons', 'aria-labelledby': 'seasons-h' },
        h('h2', { id: 'seasons-h' }, 'Seasons and episodes'),
        h('label', { for: 'season-select' }, 'Season '), select, episodes);
}

export async function listPage(main, list) {
    const label = list === 'watchlist' ? 'Watchlist' : 'Favorites';
    document.title = `${label} · Marquee`;
    main.append(h('h1', { class: 'page-title' }, label));
    if (!signedIn()) {
        main.append(h('p', { class: 'hint signed-out' }, `Sign in (Settings) to see your ${list === 'watchlist' ? 'watchlist' : 'favorites'}.`));
        return;
    }
    const grid = h('ul', { class: 'grid', 'aria-busy': 'true' });
    main.append(grid);
    try {
        const r = await api(`/api/${list}`);
        grid.removeAttribute('aria-busy');
        const items = (r.data ?? []).map(titleOfItem);
        if (!items.length) {
            grid.replaceWith(h('p', { class: 'empty' }, `Your ${label.toLowerCase()} is empty: open a title and add it.`));
            return;
        }
        for (const t of items) {
            const li = card(t, h('button', {
                type: 'button', class: 'button secondary remove', 'aria-label': `Remove ${t.name} from ${list}`,
                onclick: async (ev) => {
                    ev.target.disabled = true;
                    try {
                        await removeFromList(list, t);
                        li.remove();
                    } catch (e) {
                        ev.target.disabled = false;
                        li.append(errorNote('Not removed', e));
                    }
                },
            }, 'Remove'));
            grid.append(li);
        }
    } catch (e) {
        grid.replaceWith(errorNote(`Your ${list} could not be loaded`, e));
    }
}

export function searchPage(main, query, signal) {
    document.title = `Search · Marquee`;
    main.append(h('h1', { class: 'page-title' }, query ? `Results for “${query}”` : 'Search'));
    if (!query) return Promise.resolve();
    const grid = h('ul', { class: 'grid', 'aria-busy': 'true' });
    main.append(grid);
    return api(`/api/search?${new URLSearchParams({ query })}`, { signal }).then((r) => {
        grid.removeAttribute('aria-busy');
        const ts = results(r);
        if (!ts.length) grid.replaceWith(h('p', { class: 'empty' }, 'No titles match.'));
        else grid.append(...ts.map((t) => card(t)));
    }, (e) => {
        if (e.name !== 'AbortError') grid.replaceWith(errorNote('Search failed', e));
    });
}
