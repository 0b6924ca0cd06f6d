"""Case files for prosecutors: provenance-carrying statements rendered bilingually to HTML or PDF."""
