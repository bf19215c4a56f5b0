// The durable outbox: every op this browser makes for a list, kept in IndexedDB until the server answers it.
//
// A tab's memory dies with a reload, a closed tab or a reconnect window that expired; IndexedDB does not. One queue
// per user and list (`<user id>:<list id>`), in the order the ops were made; an op leaves only by `remove`, which
// the table calls on the server's answer (applied, duplicate, conflict or rejected) and on nothing else. Where
// IndexedDB is missing or refuses (some private modes), the queue lives in memory: the page still works as before.

const DB_NAME = "travelpack";
const STORE = "outbox";
const SNAPSHOTS = "snapshots"; // the last state this browser saw of each list, for opening it offline

let opened = null; // one connection per page, shared by every queue of it

function openDb() {
  if (opened) return opened;
  opened = new Promise((resolve) => {
    if (!window.indexedDB) return resolve(null);
    const req = indexedDB.open(DB_NAME, 2);
    req.onupgradeneeded = (event) => {
      if (event.oldVersion < 1) req.result.createObjectStore(STORE, { keyPath: "op_id" }).createIndex("queue", "queue");
      if (event.oldVersion < 2) req.result.createObjectStore(SNAPSHOTS);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return opened;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

// ops made in the same millisecond keep their order; ops of other tabs interleave by time, as they were made
let lastSeq = 0;
function nextSeq() {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

export function queueName(userId, listId) {
  return `${userId}:${listId}`;
}

export class Outbox {
  constructor(queue) {
    this.queue = queue;
    this.memory = new Map(); // the fallback when IndexedDB is not there
  }

  /** Keep `ops` (in order) behind what is queued already; resolves once they are on disk. */
  async add(ops) {
    const db = await openDb();
    const records = ops.map((op) => ({ op_id: op.op_id, queue: this.queue, seq: nextSeq(), op }));
    if (!db) {
      for (const r of records) this.memory.set(r.op_id, r);
      return;
    }
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const r of records) store.put(r);
    await done(tx);
  }

  /** The server answered these ops: they leave the queue (unknown ids are ignored). */
  async remove(opIds) {
    if (!opIds.length) return;
    const db = await openDb();
    if (!db) {
      for (const id of opIds) this.memory.delete(id);
      return;
    }
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const id of opIds) store.delete(id);
    await done(tx);
  }

  /** The queued ops, oldest first. */
  async list() {
    const db = await openDb();
    let records;
    if (!db) {
      records = [...this.memory.values()];
    } else {
      const tx = db.transaction(STORE, "readonly");
      const req = tx.objectStore(STORE).index("queue").getAll(this.queue);
      records = await new Promise((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return records.sort((a, b) => a.seq - b.seq).map((r) => r.op);
  }

  /** Forget the whole queue (access to the list ended: nothing in it can ever be applied). */
  async clear() {
    await this.remove((await this.list()).map((op) => op.op_id));
  }
}

/** Every queue of `userId` that holds ops, as {listId: count}: the home page replays them. */
export async function queuesOf(userId) {
  const db = await openDb();
  if (!db) return {};
  const tx = db.transaction(STORE, "readonly");
  const req = tx.objectStore(STORE).getAll();
  const records = await new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const out = {};
  for (const r of records) {
    const [user, list] = r.queue.split(":");
    if (user === String(userId)) out[list] = (out[list] || 0) + 1;
  }
  return out;
}

/** Keep the list's state as this tab last knew it (written when the connection drops and after changes). */
export async function saveSnapshot(queue, snapshot) {
  const db = await openDb();
  if (!db) return;
  const tx = db.transaction(SNAPSHOTS, "readwrite");
  tx.objectStore(SNAPSHOTS).put(snapshot, queue);
  await done(tx);
}

export async function loadSnapshot(queue) {
  const db = await openDb();
  if (!db) return null;
  const req = db.transaction(SNAPSHOTS, "readonly").objectStore(SNAPSHOTS).get(queue);
  return new Promise((resolve) => {
    req.onsuccess = () => resolve(req.result || null);
    req.onerror = () => resolve(null);
  });
}

export async function dropSnapshot(queue) {
  const db = await openDb();
  if (!db) return;
  const tx = db.transaction(SNAPSHOTS, "readwrite");
  tx.objectStore(SNAPSHOTS).delete(queue);
  await done(tx);
}
