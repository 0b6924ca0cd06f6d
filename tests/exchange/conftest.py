from tests.report.stores import analysed_store, plain_store, resolved_store  # noqa: F401
