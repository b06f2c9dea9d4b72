export function firstChange(
  report: { files: Record<string, { source: string }>; testFiles?: Record<string, { source?: string }> },
  now: { mutated: string[]; tests: string[] },
  read: (file: string) => string,
): string | null;
