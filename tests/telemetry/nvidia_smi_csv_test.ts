import assert from "node:assert/strict";
import {
  GPU_QUERY_FIELDS,
  gpuQueryArgs,
  parseComputeAppLine,
  parseCudaVersion,
  parseGpuInventory,
  parseGpuLine,
  parseNumberField,
} from "../../lib/telemetry/nvidia_smi_csv.ts";
import type { GpuSample } from "../../lib/metrics/telemetry_samples.ts";

const FIX = new URL("../../fixtures/nvidia-smi/", import.meta.url).pathname;
const read = (name: string) => Deno.readTextFileSync(FIX + name);

function parseAll(text: string) {
  const samples: GpuSample[] = [];
  const garbage: string[] = [];
  let blank = 0;
  text.split("\n").forEach((line, i) => {
    const r = parseGpuLine(line, i);
    if (r.kind === "sample") samples.push(r.sample);
    else if (r.kind === "garbage") garbage.push(r.reason);
    else blank++;
  });
  return { samples, garbage, blank };
}

Deno.test("numeric fields: numbers, [N/A] and [Not Supported] as null, units stripped, words rejected", () => {
  const table: [string, number | null | undefined][] = [
    ["72410", 72410],
    [" 69.87 ", 69.87],
    ["[N/A]", null],
    ["[Not Supported]", null],
    ["N/A", null],
    ["[Unknown Error]", null],
    ["", null],
    ["81559 MiB", 81559],
    ["69.56 W", 69.56],
    ["ERR!", undefined],
    ["12abc", undefined],
  ];
  for (const [raw, want] of table) assert.equal(parseNumberField(raw), want, raw);
});

Deno.test("every fixture's loop output parses: GPUs, lines, and null for fields the device does not report", () => {
  const table: {
    file: string;
    samples: number;
    gpus: number[];
    check: (s: GpuSample[]) => void;
  }[] = [
    {
      file: "single_h100.csv",
      samples: 16,
      gpus: [0],
      check: (s) => {
        assert.equal(s[0].name, "NVIDIA H100 80GB HBM3");
        assert.equal(s[0].memoryTotalMiB, 81559);
        assert.equal(s[0].memoryUsedMiB, 72410);
        assert.equal(s[0].smClockMHz, 1980);
        assert.ok(s.some((x) => x.utilizationGpuPct! >= 96 && x.powerDrawW! > 500));
      },
    },
    {
      file: "multi_8x_h100.csv",
      samples: 64,
      gpus: [0, 1, 2, 3, 4, 5, 6, 7],
      check: (s) => assert.equal(new Set(s.map((x) => x.uuid)).size, 8),
    },
    {
      file: "mig_a100.csv",
      samples: 12,
      gpus: [0, 1],
      check: (s) => {
        const mig = s.filter((x) => x.gpu === 0);
        assert.ok(
          mig.every((x) => x.utilizationGpuPct === null && x.utilizationMemoryPct === null),
        );
        assert.ok(mig.every((x) => x.memoryUsedMiB !== null && x.powerDrawW !== null));
        assert.ok(s.filter((x) => x.gpu === 1).every((x) => x.utilizationGpuPct === 0));
      },
    },
    {
      file: "unsupported_a10g.csv",
      samples: 6,
      gpus: [0],
      check: (s) => {
        assert.ok(s.every((x) => x.powerDrawW === null && x.smClockMHz === null));
        assert.ok(s.every((x) => x.temperatureC !== null && x.memoryUsedMiB !== null));
      },
    },
  ];
  for (const t of table) {
    const { samples, garbage } = parseAll(read(t.file));
    assert.deepEqual(garbage, [], t.file);
    assert.equal(samples.length, t.samples, t.file);
    assert.deepEqual([...new Set(samples.map((s) => s.gpu))].sort(), t.gpus, t.file);
    t.check(samples);
  }
});

Deno.test("garbage lines are counted with a reason, blank lines skipped, good lines kept", () => {
  const { samples, garbage, blank } = parseAll(read("garbage_lines.txt"));
  // The header, the driver error, the cut line, ERR! and the device-handle error.
  assert.equal(garbage.length, 5, garbage.join("\n"));
  assert.equal(samples.length, 2); // one plain line and one with a unit left in ("69.56 W")
  assert.equal(samples[1].powerDrawW, 69.56);
  assert.ok(blank >= 1);
  assert.ok(garbage.some((g) => /power\.draw "ERR!"/.test(g)), garbage.join("\n"));
});

Deno.test("a name holding a comma keeps it; a MIG uuid is accepted; a CR line end is ignored", () => {
  const line =
    "2026/11/20 14:03:11.004, 0, MIG-1a2b3c4d-0000-4000-8000-000000000001, Acme GPU, rev 2, 100, 200, 5, 6, 7.5, 40, 1000\r";
  const r = parseGpuLine(line, 12.5);
  assert.equal(r.kind, "sample");
  if (r.kind !== "sample") return;
  assert.equal(r.sample.name, "Acme GPU, rev 2");
  assert.equal(r.sample.uuid, "MIG-1a2b3c4d-0000-4000-8000-000000000001");
  assert.equal(r.sample.tMs, 12.5);
  assert.equal(r.sample.smClockMHz, 1000);
});

Deno.test("query flags: the field list, CSV without header or units, the interval and -i", () => {
  assert.deepEqual(gpuQueryArgs({ intervalMs: 500, gpus: [0, 1] }), [
    `--query-gpu=${GPU_QUERY_FIELDS.join(",")}`,
    "--format=csv,noheader,nounits",
    "-lms",
    "500",
    "-i",
    "0,1",
  ]);
  assert.ok(!gpuQueryArgs({ intervalMs: 100 }).includes("-i"));
});

Deno.test("inventory and CUDA version parse from every fixture", () => {
  const table: [string, number, string, string][] = [
    ["single_h100", 1, "550.90.07", "12.4"],
    ["multi_8x_h100", 8, "550.90.07", "12.4"],
    ["mig_a100", 2, "535.86.10", "12.2"],
    ["unsupported_a10g", 1, "570.124.06", "12.8"],
  ];
  for (const [name, count, driver, cuda] of table) {
    const gpus = parseGpuInventory(read(`${name}.inventory.csv`));
    assert.equal(gpus.length, count, name);
    assert.ok(gpus.every((g) => g.driver_version === driver && g.memory_total_mib! > 0), name);
    assert.equal(parseCudaVersion(read(`${name}.q.txt`)), cuda, name);
  }
  assert.equal(
    parseCudaVersion("| NVIDIA-SMI 535.86.10   Driver Version: 535.86.10    CUDA Version: 12.2 |"),
    "12.2",
  );
  assert.equal(parseCudaVersion("no cuda here"), null);
  assert.deepEqual(
    parseGpuInventory("index, name, uuid, memory.total [MiB], driver_version\n"),
    [],
  );
});

Deno.test("compute-apps lines: process memory per GPU, [N/A] memory as null, others garbage", () => {
  const lines = read("single_h100.apps.csv").trimEnd().split("\n");
  const parsed = lines.map((l) => parseComputeAppLine(l, 1));
  assert.deepEqual(parsed[0], {
    kind: "sample",
    sample: {
      tMs: 1,
      gpuUuid: "GPU-5f3c1e8a-2b7d-4c91-a6e0-3d8f1b2c4e57",
      pid: 2741,
      processName: "VLLM::EngineCore",
      usedMemoryMiB: 71896,
    },
  });
  const na = parseComputeAppLine("2026/11/20 14:03:11.004, GPU-1, 77, python3, [N/A]", 2);
  assert.equal(na.kind === "sample" && na.sample.usedMemoryMiB, null);
  const table = ["No running processes found", "2026/11/20, GPU-1, abc, python3, 10", "x, y"];
  for (const l of table) assert.equal(parseComputeAppLine(l, 0).kind, "garbage", l);
  assert.equal(parseComputeAppLine("", 0).kind, "blank");
});
