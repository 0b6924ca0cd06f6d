"""Exchange formats: FollowTheMoney streams, GraphML, GEXF, Neo4j import and plain CSV lists."""
