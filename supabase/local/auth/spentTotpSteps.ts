import { totpStep } from './totp.ts';

/** Entries are swept after this many claims, so factors used once do not stay in memory. */
const sweepEvery = 1_000;
/** A spent step older than the accepted window (one step either side) can no longer match. */
const stepsKept = 2;

/**
 * The last time step each factor's code was accepted for, so that a code works once:
 * RFC 6238 §5.2 ("the verifier MUST NOT accept the second attempt of the OTP after the
 * successful validation"). Supabase Auth only spends the challenge; the same code passes
 * again with a new challenge while it is valid (up to 90 s). Here a factor accepts only a
 * later step than the last it accepted. Kept in memory, as the rate limits are.
 */
export class SpentTotpSteps {
  private readonly lastStep = new Map<string, number>();
  private claims = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Spends `step` for the factor; false when that step or a later one was already spent.
   * Synchronous, so two requests with one code cannot both pass between check and record.
   */
  claim(factorId: string, step: number): boolean {
    const last = this.lastStep.get(factorId);
    if (last !== undefined && step <= last) return false;
    this.lastStep.set(factorId, step);
    this.claims += 1;
    if (this.claims % sweepEvery === 0) this.sweep();
    return true;
  }

  private sweep(): void {
    const oldest = totpStep(this.now()) - stepsKept;
    for (const [factorId, step] of this.lastStep) if (step < oldest) this.lastStep.delete(factorId);
  }
}
