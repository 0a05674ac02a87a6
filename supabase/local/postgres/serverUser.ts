import { spawnSync } from 'node:child_process';

/**
 * PostgreSQL refuses to run as root ("root" execution of the PostgreSQL server is not
 * permitted). Started by root, the server runs as the system user `postgres` instead, created
 * when missing, as Debian's postgresql package creates it.
 */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

export const serverUserName = 'postgres';

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, serverUserName], { encoding: 'utf8' });
  const id = Number.parseInt(result.stdout, 10);
  return result.status === 0 && Number.isInteger(id) ? id : undefined;
}

function lookUp(): ServerUser | undefined {
  const uid = idOf('-u');
  const gid = idOf('-g');
  return uid === undefined || gid === undefined ? undefined : { name: serverUserName, uid, gid };
}

/** The user the server runs as, or undefined when this process is not root (it runs as us). */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const known = lookUp();
  if (known) return known;
  // useradd on Debian, Fedora and most others; BusyBox's adduser on Alpine.
  const attempts = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', serverUserName]],
    ['adduser', ['-S', '-D', '-H', '-G', serverUserName, serverUserName]],
  ] as const;
  const failures: string[] = [];
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    const created = lookUp();
    if (created) return created;
    failures.push(`${command}: ${(result.error?.message ?? result.stderr).trim() || `exit ${result.status}`}`);
  }
  throw new Error(
    `PostgreSQL cannot run as root, and a "${serverUserName}" user to run it as could not be created (${failures.join('; ')}). ` +
      `Create one (useradd --system ${serverUserName}), run as a regular user, or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/**
 * Whether `user` can reach `path` with the given access: asked of the kernel by running
 * `test` as that user, so every folder on the way and every ACL counts.
 */
export function userCan(user: ServerUser, access: 'read' | 'enter' | 'execute', path: string): boolean {
  const flag = access === 'read' ? '-r' : '-x';
  return spawnSync('test', [flag, path], { uid: user.uid, gid: user.gid }).status === 0;
}
