/**
 * The Java interop toolchain, shared by every test that runs kafka-clients: `mvn dependency:build-classpath`
 * of pom.xml (offline first, online when ~/.m2 lacks the jars) and javac of a program in this folder into
 * test/interop/java/target (gitignored); both are skipped when up to date.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const javaDir = fileURLToPath(new URL('../../../../test/interop/java/', import.meta.url));
const target = `${javaDir}target/`;
const classes = `${target}classes`;

export const javaSkip = ['java', 'javac', 'mvn'].every((c) => spawnSync(c, ['-version'], { stdio: 'ignore' }).status === 0)
  ? false : 'java, javac or mvn not installed (apt-get install openjdk-17-jdk-headless maven)';

const newer = (a: string, b: string) => existsSync(a) && statSync(a).mtimeMs >= statSync(b).mtimeMs;

let resolved: Promise<string> | undefined;
/** The runtime classpath of kafka-clients and its dependencies. */
export function javaClasspath(): Promise<string> {
  resolved ??= (async () => {
    mkdirSync(target, { recursive: true });
    const cpFile = `${target}classpath.txt`;
    if (!newer(cpFile, `${javaDir}pom.xml`)) {
      const mvn = (offline: boolean) => run('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), '-f', `${javaDir}pom.xml`, 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`, '-Dmdep.includeScope=runtime'], { timeout: 300_000 });
      await mvn(true).catch(() => mvn(false));
    }
    return readFileSync(cpFile, 'utf8').trim();
  })();
  return resolved;
}

/** Compiles `<program>.java` of this folder (when changed) and returns the java command line that runs it. */
export async function compileJava(program: string): Promise<string[]> {
  const classpath = await javaClasspath();
  if (!newer(`${classes}/${program}.class`, `${javaDir}${program}.java`)) {
    await run('javac', ['--release', '17', '-d', classes, '-cp', classpath, `${javaDir}${program}.java`], { timeout: 120_000 });
  }
  return ['java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-cp', `${classes}:${classpath}`, program];
}
