import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postgresBinaries, type PostgresBinaries } from './binaries.ts';
import { userCan, type ServerUser } from './serverUser.ts';

/** Where the embedded server's binaries and cluster are, and why they are there. */
export interface Placement {
  binaries: PostgresBinaries;
  /** The cluster's folder (PGDATA), a real path the server user can reach. */
  clusterDir: string;
  /** What was moved out of reach-less folders, for the start's log. */
  notes: string[];
}

/**
 * Where root keeps what the `postgres` user must reach when the project sits in a folder only
 * root can enter (/root is 0700 on most servers): a copy of the binaries and the clusters.
 */
export function systemDir(): string {
  return resolve(process.env.ARBIDESK_SYSTEM_DIR ?? '/var/lib/arbidesk');
}

function systemFolder(...parts: string[]): string {
  let folder = systemDir();
  for (const part of ['', ...parts]) {
    if (part) folder = join(folder, part);
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o711);
  }
  return folder;
}

/** The binaries where `user` can run them: as installed, or a copy in the system folder. */
function reachableBinaries(installed: PostgresBinaries, user: ServerUser, notes: string[]): PostgresBinaries {
  if (userCan(user, 'execute', installed.postgres) && userCan(user, 'execute', installed.initdb)) return installed;
  const copy = join(systemFolder(), `postgres-${installed.version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    // Copied under a temporary name and renamed, so a copy cut short is never taken for whole.
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(installed.home, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    renameSync(partial, copy);
  }
  const binaries = postgresBinaries(copy);
  if (!userCan(user, 'execute', binaries.postgres)) {
    throw new Error(`The "${user.name}" user cannot run PostgreSQL from ${copy} either: make the folders on that path enterable (chmod o+x), or set ARBIDESK_SYSTEM_DIR to another folder.`);
  }
  notes.push(`PostgreSQL binaries copied to ${copy}: the "${user.name}" user it runs as cannot reach ${installed.home}.`);
  return binaries;
}

/** A real folder owned by the server user, where it keeps the cluster of `dataDir`. */
function relocatedCluster(dataDir: string): string {
  const name = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(systemFolder('clusters'), name);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The cluster folder `<dataDir>/db`. Run by root, when the server user cannot enter the data
 * folder, the cluster lives in the system folder and `<dataDir>/db` is a link to it, so the
 * data still belongs to that data folder: a new data folder (or a deleted one) starts afresh.
 */
function reachableCluster(dataDir: string, user: ServerUser, notes: string[]): string {
  const dbDir = join(dataDir, 'db');
  // Root owns the data folder; the server user needs to pass through it, not list it.
  chmodSync(dataDir, 0o711);
  if (!isLink(dbDir) && userCan(user, 'enter', dataDir)) return dbDir;
  const target = isLink(dbDir) ? resolve(dataDir, readlinkSync(dbDir)) : relocatedCluster(dataDir);
  if (!isLink(dbDir)) {
    if (existsSync(join(dbDir, 'PG_VERSION'))) {
      throw new Error(`The database in ${dbDir} cannot be reached by the "${user.name}" user PostgreSQL runs as: allow it through every folder above (chmod o+x), or set ARBIDESK_DATA_DIR to a folder it can reach.`);
    }
    // Left from a start that could not initialise here: nothing in it to keep.
    rmSync(dbDir, { recursive: true, force: true });
    // The link was gone, so was the data folder that owned this cluster: start afresh too.
    rmSync(target, { recursive: true, force: true });
    symlinkSync(target, dbDir);
    notes.push(`The database lives in ${target} (linked from ${dbDir}): the "${user.name}" user PostgreSQL runs as cannot enter ${dataDir}.`);
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chownSync(target, user.uid, user.gid);
  return target;
}

/** Decides where the embedded server runs from and keeps its data, for this user. */
export function placeServer(dataDir: string, user: ServerUser | undefined): Placement {
  const notes: string[] = [];
  const installed = postgresBinaries();
  mkdirSync(dataDir, { recursive: true });
  if (!user) return { binaries: installed, clusterDir: join(dataDir, 'db'), notes };
  return { binaries: reachableBinaries(installed, user, notes), clusterDir: reachableCluster(dataDir, user, notes), notes };
}
