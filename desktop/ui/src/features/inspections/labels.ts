// Words the inspection screens share: ratings, who rated, analysis providers, photo verdicts.
// Pure functions (unit-tested in labels.test.ts).

export const RATINGS = ["excellent", "good", "fair", "poor", "damaged"] as const;
export type Rating = (typeof RATINGS)[number];

export const RATING_LABEL: Record<Rating, string> = {
  excellent: "Excellent",
  good: "Good",
  fair: "Fair",
  poor: "Poor",
  damaged: "Damaged",
};

export const SEVERITIES = ["cosmetic", "minor", "moderate", "major"] as const;

/** How analysis results are labelled, by the provider recorded on a photo or item. */
export function providerLabel(provider: string | null | undefined): string {
  if (provider === "claude") return "Analysed by Claude";
  if (provider === "offline") return "Offline check — rate by eye";
  if (provider === "human") return "Rated by the inspector";
  return provider ? `Analysed by ${provider}` : "";
}

/** The label of the "run analysis" button for the active provider. */
export function analyseButtonLabel(provider: string | null | undefined): string {
  return provider === "claude" ? "Analyse queued photos with Claude" : "Run the offline check";
}

type PhotoLike = { is_acceptable: boolean; ai_quality_issues: string[]; ai_quality_score: number | null };

/** "Good photo (0.92)" or "Retake: too dark, blurry (0.31)". */
export function photoVerdict(p: PhotoLike): string {
  const score = p.ai_quality_score === null ? "" : ` (${p.ai_quality_score.toFixed(2)})`;
  if (p.is_acceptable) return `Good photo${score}`;
  const issues = p.ai_quality_issues.map((i) => i.replace(/_/g, " ")).join(", ");
  return `Retake: ${issues || "unusable"}${score}`;
}

type ItemLike = {
  condition_rating: Rating | null;
  human_override: Rating | null;
  ai_provider: string;
  ai_confidence: number | null;
};

/** Who gave the rating that counts, in words. */
export function ratedBy(it: ItemLike): string {
  if (it.human_override) return `Rated by the inspector: ${RATING_LABEL[it.human_override]}`;
  if (it.condition_rating) {
    const conf = it.ai_confidence === null ? "" : `, ${Math.round(it.ai_confidence * 100)}% confident`;
    return `${providerLabel(it.ai_provider)}: ${RATING_LABEL[it.condition_rating]}${conf}`;
  }
  return "Not rated";
}

/** The SHA-256 inside a `blob:<sha256>` reference, or null. */
export function blobHash(url: string | null | undefined): string | null {
  if (!url || !url.startsWith("blob:")) return null;
  const h = url.slice(5);
  return /^[0-9a-f]{64}$/i.test(h) ? h.toLowerCase() : null;
}

/** The next rating for arrow keys in a radio group (wraps). */
export function stepRating(current: Rating | null, delta: 1 | -1): Rating {
  const i = current ? RATINGS.indexOf(current) : delta > 0 ? -1 : 0;
  return RATINGS[(i + delta + RATINGS.length) % RATINGS.length]!;
}

/** Inspector name check for the New inspection dialog. */
export function inspectorError(name: string): string | null {
  const n = name.trim();
  if (!n) return "Enter the inspector's name";
  if ([...n].length > 150) return "The inspector's name is longer than 150 characters";
  return null;
}
