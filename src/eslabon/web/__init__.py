"""The analysts' web workspace (`eslabon serve`): pages and their JSON twins over the pipeline."""
