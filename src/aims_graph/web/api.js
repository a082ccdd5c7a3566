// Calls to the JSON API. Errors arrive as RFC 9457 problem documents and become ApiError.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.title = problem.title || `HTTP ${status}`;
  }
}

async function problemOf(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { title: response.statusText, detail: text.slice(0, 500) };
  }
}

export async function request(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Accept: "application/json", ...(options.headers || {}) },
  });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

export async function getJSON(path, options) {
  return (await request(path, options)).json();
}

// Public answers do not change while the page is open: ask once per path.
const cache = new Map();

export function cachedJSON(path) {
  if (!cache.has(path)) {
    const pending = getJSON(path);
    cache.set(path, pending);
    pending.catch(() => cache.delete(path));
  }
  return cache.get(path);
}

export const api = {
  frameworks: () => cachedJSON("/frameworks"),
  stats: () => cachedJSON("/stats"),
  framework: (id) => cachedJSON(`/frameworks/${encodeURIComponent(id)}`),
  mappingCounts: (id) => cachedJSON(`/frameworks/${encodeURIComponent(id)}/mapping-counts`),
  async frameworkItems(id) {
    let url = `/frameworks/${encodeURIComponent(id)}/items?limit=1000`;
    const items = [];
    while (url) {
      const page = await cachedJSON(url);
      items.push(...page.items);
      const next = page.next ? new URL(page.next, location.href) : null;
      url = next ? next.pathname + next.search : null;
    }
    return items;
  },
  item: (curie) => cachedJSON(`/items/${encodeURIComponent(curie)}`),
  search: (q, framework) => {
    const params = new URLSearchParams({ q, limit: "50" });
    if (framework) params.set("framework", framework);
    return cachedJSON(`/search?${params}`);
  },
  explain: (from, to) => cachedJSON(`/explain?${new URLSearchParams({ from, to })}`),
  matrix: () => cachedJSON("/matrix"),
  pair: (a, b, derived) =>
    cachedJSON(
      `/matrix/${encodeURIComponent(a)}/${encodeURIComponent(b)}?derived=${derived ? "true" : "false"}`,
    ),
  compare: (first, second) => cachedJSON(`/compare?${new URLSearchParams({ first, second })}`),
  obligations: (params) => cachedJSON(`/obligations?${new URLSearchParams(params)}`),
  queries: () => cachedJSON("/queries"),
};

/** Organisation routes: never cached, always with the caller's key. */
export function orgApi(orgId, key) {
  const base = `/orgs/${encodeURIComponent(orgId)}`;
  const headers = { Authorization: `Bearer ${key}` };
  return {
    orgId,
    info: () => getJSON(base, { headers }),
    validation: (asOf) =>
      getJSON(`${base}/validation?${new URLSearchParams(asOf ? { as_of: asOf } : {})}`, {
        headers,
      }),
    coverage: (target, asOf) => {
      const params = new URLSearchParams({ target });
      if (asOf) params.set("as_of", asOf);
      return getJSON(`${base}/coverage?${params}`, { headers });
    },
    catalogs: () => getJSON(`${base}/frameworks`, { headers }),
    frameworkTree: (name) => getJSON(`${base}/frameworks/${encodeURIComponent(name)}/items`, { headers }),
    crosswalk: async (from) =>
      (await getJSON(`${base}/crosswalk?${new URLSearchParams({ from, derived: "true" })}`, { headers })).mappings,
    /** A download of the organisation's own (a link cannot carry the key). */
    file: async (path) => {
      const response = await request(`${base}/${path}`, { headers: { ...headers, Accept: "*/*" } });
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
      return { blob: await response.blob(), name: name ? name[1] : path.split("/").pop() };
    },
  };
}
