"""The list of sources a synthetic world writes (domain.md §5), in a fixed order."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eslabon.synth import sources_ca, sources_mx, sources_us
from eslabon.synth.context import Ctx
from eslabon.synth.writer import Row, SourceSpec

SourceFn = Callable[[Ctx], tuple[SourceSpec, Iterator[Row], int]]

SOURCES: tuple[SourceFn, ...] = (
    sources_mx.inm_detenciones,
    sources_mx.fgr_carpetas,
    sources_mx.gn_puntos_revision,
    sources_mx.cdr_telcel,
    sources_mx.uif_transferencias,
    sources_mx.repuve,
    sources_mx.hoteles_registro,
    sources_us.cbp_crossings,
    sources_us.cbp_seizures,
    sources_us.usbp_apprehensions,
    sources_us.state_traffic_stops,
    sources_us.us_arrests,
    sources_us.mt_transfers,
    sources_us.subpoena_calls,
    sources_us.us_vehicle_registrations,
    sources_us.lease_records,
    sources_us.h2a_employment,
    sources_us.phone_extractions,
    sources_ca.gt_pnc_registros,
)
