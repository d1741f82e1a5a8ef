/**
 * The inner loop of 1:N face search as a tiny WebAssembly module using 128-bit SIMD: dot products
 * of one int16 query against every int8 row of a matrix. Plain JavaScript does 100,000 x 512
 * float dot products in about 58 ms on the target class of CPU; Float32 SIMD in about 19 ms (it
 * is bound by memory bandwidth: 200 MB per search); int8 rows cut the bytes by four and the scan
 * to about 9 ms. Exact Float32 scores are then computed for the few candidates that can still be
 * in the top k (see face-gallery.ts), so quantisation never changes the answer.
 *
 * The module is assembled here from bytes (no toolchain needed at install time). It exports
 *   scan(queryPtr, matrixPtr, rows, strideBytes, outPtr)
 * where strideBytes is a multiple of 32, the query holds strideBytes int16 values and out
 * receives one int32 per row. Memory is imported so the gallery owns and grows it.
 */

/**
 * The few WebAssembly APIs used here. The project's lib setting (ES2023, no DOM) does not declare
 * the WebAssembly global although Node has it, so it is typed locally.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export function createMemory(pages: number): WasmMemory {
  return new wasm!.Memory({ initial: pages, maximum: 65536 });
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

// Opcodes (WebAssembly core 2.0 + SIMD).
const localGet = (i: number): number[] => [0x20, i];
const localSet = (i: number): number[] => [0x21, i];
const localTee = (i: number): number[] => [0x22, i];
const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_LT_U = 0x49;
const I32_EQZ = 0x45;
const I32_SHL = 0x74;
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (depth: number): number[] => [0x0d, depth];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const v128Load = (offset: number): number[] => [...simd(0x00), 0x00, ...uleb(offset)];
const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const I16X8_EXTEND_LOW_I8X16_S = simd(0x87);
const I16X8_EXTEND_HIGH_I8X16_S = simd(0x88);
const I32X4_DOT_I16X8_S = simd(0xba);
const I32X4_ADD = simd(0xae);
const i32x4ExtractLane = (lane: number): number[] => [...simd(0x1b), lane];
const I32_STORE = [0x36, 0x02, 0x00];

// Parameters, then locals.
const Q = 0;
const BASE = 1;
const ROWS = 2;
const STRIDE = 3;
const OUT = 4;
const R = 5;
const P = 6;
const QP = 7;
const END_P = 8;
const ACC = [9, 10, 11, 12] as const;

/** acc[a] += dot(low half of 16 int8 at p+rowOff, query at qp+qOff); acc[b] += high half with the next 8. */
function step(a: number, b: number, rowOff: number, qOff: number): number[] {
  return [
    ...localGet(a), ...localGet(P), ...v128Load(rowOff), ...I16X8_EXTEND_LOW_I8X16_S,
    ...localGet(QP), ...v128Load(qOff), ...I32X4_DOT_I16X8_S, ...I32X4_ADD, ...localSet(a),
    ...localGet(b), ...localGet(P), ...v128Load(rowOff), ...I16X8_EXTEND_HIGH_I8X16_S,
    ...localGet(QP), ...v128Load(qOff + 16), ...I32X4_DOT_I16X8_S, ...I32X4_ADD, ...localSet(b),
  ];
}

function scanBody(): number[] {
  const [a0, a1, a2, a3] = ACC;
  return [
    ...BLOCK,
    ...localGet(ROWS), I32_EQZ, ...brIf(0),
    ...i32Const(0), ...localSet(R),
    ...LOOP, // one row per iteration
    ...V128_ZERO, ...localSet(a0), ...V128_ZERO, ...localSet(a1), ...V128_ZERO, ...localSet(a2), ...V128_ZERO, ...localSet(a3),
    ...localGet(BASE), ...localGet(R), ...localGet(STRIDE), I32_MUL, I32_ADD, ...localTee(P),
    ...localGet(STRIDE), I32_ADD, ...localSet(END_P),
    ...localGet(Q), ...localSet(QP),
    ...LOOP, // 32 int8 of the row and 32 int16 of the query per iteration, four accumulators
    ...step(a0, a1, 0, 0), ...step(a2, a3, 16, 32),
    ...localGet(P), ...i32Const(32), I32_ADD, ...localTee(P),
    ...localGet(QP), ...i32Const(64), I32_ADD, ...localSet(QP),
    ...localGet(END_P), I32_LT_U, ...brIf(0),
    END,
    ...localGet(a0), ...localGet(a1), ...I32X4_ADD, ...localGet(a2), ...localGet(a3), ...I32X4_ADD, ...I32X4_ADD, ...localSet(a0),
    ...localGet(OUT), ...localGet(R), ...i32Const(2), I32_SHL, I32_ADD,
    ...localGet(a0), ...i32x4ExtractLane(0), ...localGet(a0), ...i32x4ExtractLane(1), I32_ADD,
    ...localGet(a0), ...i32x4ExtractLane(2), I32_ADD, ...localGet(a0), ...i32x4ExtractLane(3), I32_ADD,
    ...I32_STORE,
    ...localGet(R), ...i32Const(1), I32_ADD, ...localTee(R), ...localGet(ROWS), I32_LT_U, ...brIf(0),
    END,
    END,
    END,
  ];
}

export function buildScanModuleBytes(): Uint8Array {
  const locals = [2, 4, 0x7f, 4, 0x7b]; // 4 x i32, 4 x v128
  const body = scanBody();
  const code = [...uleb(locals.length + body.length), ...locals, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (i32 x5) -> ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]), // import memory, min 1 page
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('scan'), 0x00, 0]),
    ...section(10, [1, ...code]),
  ]);
}

export type ScanFunction = (queryPtr: number, matrixPtr: number, rows: number, strideBytes: number, outPtr: number) => void;

let compiled: WasmModule | null | undefined;

/** The compiled module, or null when this runtime has no WebAssembly SIMD (the gallery then scans in JS). */
export function scanModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = buildScanModuleBytes();
    compiled = wasm !== undefined && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

export function instantiateScan(module: WasmModule, memory: WasmMemory): ScanFunction {
  const instance = new wasm!.Instance(module, { env: { memory } });
  return instance.exports.scan as ScanFunction;
}

/** Row stride in bytes for a dimension count: the kernel consumes 32 int8 per iteration. */
export function strideFor(dims: number): number {
  return Math.ceil(dims / 32) * 32;
}
