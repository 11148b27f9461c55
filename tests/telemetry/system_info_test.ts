import assert from "node:assert/strict";
import { parseCpuInfo, parseMemTotal, readSystemInfo } from "../../lib/telemetry/system_info.ts";

Deno.test("cpuinfo: model and logical CPUs on x86 and ARM; nothing known gives nulls", () => {
  const x86 = [0, 1, 2, 3].map((i) =>
    `processor\t: ${i}\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9654 96-Core Processor\n`
  ).join("\n");
  assert.deepEqual(parseCpuInfo(x86), { model: "AMD EPYC 9654 96-Core Processor", cores: 4 });
  const arm = "processor\t: 0\nBogoMIPS\t: 2000.00\n\nprocessor\t: 1\nBogoMIPS\t: 2000.00\n\n" +
    "Hardware\t: NVIDIA Grace\n";
  assert.deepEqual(parseCpuInfo(arm), { model: "NVIDIA Grace", cores: 2 });
  assert.deepEqual(parseCpuInfo(""), { model: null, cores: null });
});

Deno.test("meminfo: MemTotal in bytes; absent gives null", () => {
  assert.equal(parseMemTotal("MemTotal:       24684096 kB\nMemFree: 1 kB\n"), 24684096 * 1024);
  assert.equal(parseMemTotal("MemFree: 1 kB\n"), null);
});

Deno.test("reading this host never throws and fills what Linux offers", () => {
  const s = readSystemInfo();
  assert.match(s.os, /^(linux|darwin|windows|freebsd|netbsd|aix|solaris|illumos|android) /);
  if (Deno.build.os === "linux") {
    assert.ok(s.cpu_cores! > 0);
    assert.ok(s.memory_total_bytes! > 0);
    assert.ok(typeof s.kernel === "string");
  }
});
