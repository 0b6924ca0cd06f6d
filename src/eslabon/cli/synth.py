"""`eslabon synth`: write a synthetic bilateral world with ground truth (filled in by the synth stage)."""
