"""Runs moto_server with one correction, so tests check Baran against what RDS does, not an emulator gap.

moto 5.x's promote_read_replica marks the instance as no longer a replica internally, but keeps
ReadReplicaSourceDBInstanceIdentifier set and leaves it in the source's ReadReplicaDBInstanceIdentifiers.
RDS clears both when it promotes a replica (PromoteReadReplica API reference: "the DB instance is no
longer a read replica"), and that field is how a client tells a replica from a standalone instance.
Every other behaviour is moto's own. Arguments are moto_server's (-H host -p port).
"""
import sys

from moto.rds import models
from moto.server import main


def promote_read_replica(self, db_kwargs):
    database = self.databases[db_kwargs["db_instance_identifier"]]
    if database.is_replica:
        database.is_replica = False
        source = database.source_db_instance_identifier
        database.source_db_instance_identifier = None
        if source:
            try:
                self.find_db_from_id(source).remove_replica(database)
            except Exception:  # the source may be gone: then there is no list to leave
                pass
        database.update(**db_kwargs)
    return database


models.RDSBackend.promote_read_replica = promote_read_replica

if __name__ == "__main__":
    sys.exit(main())
