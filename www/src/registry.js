// The list of sandboxes of this browser: a small IndexedDB database of its own (shared by every
// tab, so it is not one of the package's storages, which a tab holds alone). Each sandbox's Message
// Center lives in its own database (`message-center-sandbox-<id>`).

const DB = 'message-center-sandboxes';
const STORE = 'sandboxes';

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = (event) => {
      switch (event.oldVersion) {
        case 0:
          req.result.createObjectStore(STORE, { keyPath: 'id' });
        // falls through
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
  return opening;
}

/** One transaction on the store: `fn(store)` issues requests; resolves with the last one's result on complete. */
async function tx(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req?.result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new Error('the transaction was aborted'));
  });
}

function checkName(name) {
  const n = String(name ?? '').trim();
  if (n === '' || n.length > 80) throw Object.assign(new Error('a sandbox name is 1 to 80 characters'), { code: 'INVALID_ARGUMENT' });
  return n;
}

export const sandboxes = {
  /** Every sandbox, most recently opened first. */
  async list() {
    const all = (await tx('readonly', (s) => s.getAll())) ?? [];
    return all.sort((a, b) => (b.opened ?? b.created).localeCompare(a.opened ?? a.created));
  },
  get: (id) => tx('readonly', (s) => s.get(id)),
  async create(name) {
    const entry = { id: crypto.randomUUID(), name: checkName(name), created: new Date().toISOString() };
    await tx('readwrite', (s) => s.add(entry));
    return entry;
  },
  async rename(id, name) {
    const entry = await sandboxes.get(id);
    if (!entry) throw Object.assign(new Error(`there is no sandbox ${id}`), { code: 'NO_SANDBOX' });
    entry.name = checkName(name);
    await tx('readwrite', (s) => s.put(entry));
    return entry;
  },
  async touch(id) {
    const entry = await sandboxes.get(id);
    if (entry) {
      entry.opened = new Date().toISOString();
      await tx('readwrite', (s) => s.put(entry));
    }
  },
  remove: (id) => tx('readwrite', (s) => s.delete(id)),
};
