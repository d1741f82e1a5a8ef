/**
 * Verification metrics from genuine (same person) and impostor (different people) similarity
 * scores. Higher score = more similar; a pair is accepted when score >= threshold.
 */
export interface TarAtFar {
  far: number;
  threshold: number;
  tar: number;
  /** Impostor pairs accepted at that threshold. */
  falseAccepts: number;
}

export interface VerificationMetrics {
  genuinePairs: number;
  impostorPairs: number;
  eer: number;
  eerThreshold: number;
  tarAtFar: TarAtFar[];
  /** Highest TAR with no impostor accepted: threshold just above the best impostor score. */
  tarAtZeroFar: { threshold: number; tar: number };
}

function tarAt(genuine: readonly number[], threshold: number): number {
  return genuine.filter((g) => g >= threshold).length / genuine.length;
}

function farAt(impostor: readonly number[], threshold: number): number {
  return impostor.filter((s) => s >= threshold).length / impostor.length;
}

/** A threshold just above x, so "above the best impostor" rejects that impostor exactly. */
function above(x: number): number {
  return x + Math.max(1e-9, Math.abs(x) * 1e-9);
}

/**
 * EER: sweeps every distinct score as a threshold and takes the point where FAR and FRR are
 * closest, reporting their mean there.
 */
export function verificationMetrics(genuine: readonly number[], impostor: readonly number[], fars: readonly number[] = [1e-1, 1e-2]): VerificationMetrics {
  if (genuine.length === 0 || impostor.length === 0) throw new Error('metrics need at least one genuine and one impostor pair');
  const thresholds = [...new Set([...genuine, ...impostor])].sort((a, b) => a - b);
  thresholds.push(above(thresholds[thresholds.length - 1]!));
  let best = { gap: Number.POSITIVE_INFINITY, eer: 1, threshold: 0 };
  for (const t of thresholds) {
    const far = farAt(impostor, t);
    const frr = 1 - tarAt(genuine, t);
    const gap = Math.abs(far - frr);
    if (gap < best.gap) best = { gap, eer: (far + frr) / 2, threshold: t };
  }
  const sortedImp = [...impostor].sort((a, b) => b - a);
  const tarAtFar = fars.map((far) => {
    // Allowed false accepts at this FAR; the threshold sits just above the next impostor.
    const allowed = Math.floor(far * impostor.length + 1e-9);
    const threshold = allowed >= sortedImp.length ? Number.NEGATIVE_INFINITY : above(sortedImp[allowed]!);
    return { far, threshold, tar: tarAt(genuine, threshold), falseAccepts: impostor.filter((s) => s >= threshold).length };
  });
  const zeroThreshold = above(sortedImp[0]!);
  return {
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    eer: best.eer,
    eerThreshold: best.threshold,
    tarAtFar,
    tarAtZeroFar: { threshold: zeroThreshold, tar: tarAt(genuine, zeroThreshold) },
  };
}

/** TAR and FAR at one fixed operating threshold (the configured one). */
export function ratesAt(genuine: readonly number[], impostor: readonly number[], threshold: number): { tar: number; far: number; falseAccepts: number; falseRejects: number } {
  const accepted = genuine.filter((g) => g >= threshold).length;
  const falseAccepts = impostor.filter((s) => s >= threshold).length;
  return { tar: accepted / genuine.length, far: falseAccepts / impostor.length, falseAccepts, falseRejects: genuine.length - accepted };
}
