/**
 * librdkafka's own `rdkafka_performance` (the plain run a user tries first), built at bench time
 * from the example source that librdkafka-dev ships. The example includes three of librdkafka's
 * internal headers (rd.h, rdtime.h and its in-tree rdkafka.h): the shim below stands in for the
 * four helpers it uses from them (rd_ts_t, rd_clock, rd_snprintf, RD_MIN/RD_MAX).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/paths.js';
import { track } from '../../test/support/children.js';

const examplesDir = '/usr/share/doc/librdkafka-dev/examples';
const buildDir = join(repoRoot, 'bench', '.cache', 'rdkafka_performance');
export const rdkafkaPerformancePath = join(buildDir, 'rdkafka_performance');

const shim = `/* Stand-ins for the librdkafka internals examples/rdkafka_performance.c uses (minikafka bench). */
#ifndef MINIKAFKA_RD_SHIM_H
#define MINIKAFKA_RD_SHIM_H
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
typedef int64_t rd_ts_t;
static inline rd_ts_t rd_clock(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ((rd_ts_t)ts.tv_sec * 1000000LL) + ((rd_ts_t)ts.tv_nsec / 1000);
}
#define rd_snprintf snprintf
#define RD_MAX(a, b) ((a) > (b) ? (a) : (b))
#define RD_MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
`;

/** Builds the tool once into bench/.cache; returns why not when the source or a compiler is missing. */
export function buildRdkafkaPerformance(): string | undefined {
  if (existsSync(rdkafkaPerformancePath)) return undefined;
  const plain = join(examplesDir, 'rdkafka_performance.c');
  const source = existsSync(plain) ? readFileSync(plain) : existsSync(`${plain}.gz`) ? gunzipSync(readFileSync(`${plain}.gz`)) : undefined;
  if (source === undefined) return `${plain} missing (apt-get install librdkafka-dev)`;
  mkdirSync(join(buildDir, 'src'), { recursive: true });
  mkdirSync(join(buildDir, 'examples'), { recursive: true });
  writeFileSync(join(buildDir, 'src', 'rd.h'), shim);
  writeFileSync(join(buildDir, 'src', 'rdtime.h'), '#include "rd.h"\n');
  writeFileSync(join(buildDir, 'src', 'rdkafka.h'), '#include <librdkafka/rdkafka.h>\n');
  writeFileSync(join(buildDir, 'examples', 'rdkafka_performance.c'), source);
  try {
    execFileSync('cc', ['-O2', '-w', `-I${join(buildDir, 'src')}`, '-o', rdkafkaPerformancePath, join(buildDir, 'examples', 'rdkafka_performance.c'), '-lrdkafka', '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return `compiling rdkafka_performance failed: ${String((error as { stderr?: Buffer }).stderr ?? error).slice(0, 500)}`;
  }
  return undefined;
}

export interface PerformanceResult {
  delivered: number;
  msgsPerSec: number;
  mbPerSec: number;
  ms: number;
  produceFailures: number;
}

/**
 * `rdkafka_performance -P -t <topic> -b <bootstrap> <args>`; the figures are those of its last
 * "% N messages produced ..." line (the whole run, topic creation by Metadata included).
 */
export function rdkafkaPerformance(bootstrap: string, topic: string, args: string[], timeoutMs = 120_000): Promise<PerformanceResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(rdkafkaPerformancePath, ['-P', '-t', topic, '-b', bootstrap, ...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const lines = stdout.split('\n').filter((l) => / messages produced /.test(l));
      const last = lines[lines.length - 1];
      const m = last && /(\d+) delivered .* in (\d+)ms: (\d+) msgs\/s and ([\d.]+) MB\/s(?:, (\d+) produce failures)?/.exec(last);
      if (!m) {
        reject(new Error(`rdkafka_performance: no result (${error?.message ?? 'exit 0'})\n${stdout.slice(-800)}\n${stderr.slice(-800)}`));
        return;
      }
      resolve({ delivered: Number(m[1]), ms: Number(m[2]), msgsPerSec: Number(m[3]), mbPerSec: Number(m[4]), produceFailures: Number(m[5] ?? 0) });
    });
    track(child);
  });
}
