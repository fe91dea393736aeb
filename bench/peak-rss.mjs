// Loaded with --import into a measured process: writes its peak resident set size (bytes) and CPU time
// (user + system, ms) to BENCH_RSS_FILE at exit, as JSON.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const usage = process.resourceUsage();
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ rss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
