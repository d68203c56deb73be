// The Marquee API (docs/api.md): the envelope {success, data, meta} or {success: false, error}.
import { token } from './auth.js';

export class ApiError extends Error {
    constructor(message, status = 0, code = '') {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
    }
}

export async function api(path, { method = 'GET', body, signal } = {}) {
    const headers = { Accept: 'application/json' };
    const t = await token();
    if (t) headers.Authorization = `Bearer ${t}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
        res = await fetch(path, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            signal,
        });
    } catch (e) {
        if (e.name === 'AbortError') throw e;
        throw new ApiError('The Marquee server cannot be reached.');
    }
    let json = null;
    try {
        json = await res.json();
    } catch {
        // not JSON: the status says enough
    }
    if (!res.ok || json?.success === false)
        throw new ApiError(json?.error || `The server answered ${res.status}.`, res.status, json?.code ?? '');
    return json;
}

// A movie or TV title from any TMDB-shaped object; null for people.
export function titleOf(o, fallbackType) {
    const type = o.media_type ?? fallbackType;
    if (type !== 'movie' && type !== 'tv') return null;
    return {
        type,
        id: o.id,
        name: o.title ?? o.name ?? 'Untitled',
        poster: o.poster_url ?? null,
        backdrop: o.backdrop_url ?? null,
        overview: o.overview ?? '',
        date: o.release_date ?? o.first_air_date ?? '',
        rating: typeof o.vote_average === 'number' ? o.vote_average : null,
        posterPath: o.poster_path ?? null,
        backdropPath: o.backdrop_path ?? null,
    };
}

// A list item (watchlist, favorites) in the same shape.
export function titleOfItem(item) {
    return {
        type: item.contentType,
        id: item.tmdbId,
        name: item.title,
        poster: item.posterUrl ?? null,
        backdrop: item.backdropUrl ?? null,
        overview: item.overview ?? '',
        date: item.releaseDate ?? '',
        rating: item.voteAverage ?? null,
        posterPath: item.posterPath ?? null,
        backdropPath: item.backdropPath ?? null,
    };
}

const LIST_FLAG = { watchlist: 'inWatchlist', favorites: 'isFavorite' };

export async function inList(list, t) {
    const q = new URLSearchParams({ tmdbId: String(t.id), contentType: t.type });
    const r = await api(`/api/${list}/check?${q}`);
    return Boolean(r[LIST_FLAG[list]]);
}

export function addToList(list, t) {
    const body = { tmdbId: t.id, contentType: t.type, title: t.name };
    if (t.posterPath) body.posterPath = t.posterPath;
    if (t.backdropPath) body.backdropPath = t.backdropPath;
    if (t.overview) body.overview = t.overview.slice(0, 2000);
    if (/^\d{4}-\d{2}-\d{2}$/.test(t.date)) body.releaseDate = t.date;
    if (typeof t.rating === 'number') body.voteAverage = t.rating;
    return api(`/api/${list}`, { method: 'POST', body });
}

export function removeFromList(list, t) {
    return api(`/api/${list}/${t.type}/${t.id}`, { method: 'DELETE' });
}
