"""Runs moto_server with one correction, so tests check Baran against what RDS does, not an emulator gap.

moto 5.x's promote_read_replica marks the instance as no longer a replica internally, but keeps
ReadReplicaSourceDBInstanceIdentifier set and leaves it in the source's ReadReplicaDBInstanceIdentifiers.
RDS clears both when it promotes a replica (PromoteReadReplica API reference: "the DB instance is no
longer a read replica"), and that field is how a client tells a replica from a standalone instance.
RDS also answers PromoteReadReplica at once and promotes in the background: the instance is "modifying", still
naming its source, for minutes, then "rebooting" as a stand-alone instance, and a second PromoteReadReplica meanwhile
is refused (InvalidDBInstanceState). moto promotes at once; a replica whose identifier starts with "slow-" is promoted
as RDS does instead: modifying for BARAN_SLOW_PROMOTION_SECONDS (default 4), then rebooting for 1 s.
Every other behaviour is moto's own. Arguments are moto_server's (-H host -p port).
"""
import os
import sys
import threading

from moto.rds import models
from moto.rds.exceptions import RDSClientError
from moto.server import main

SLOW_SECONDS = float(os.environ.get("BARAN_SLOW_PROMOTION_SECONDS", "4"))


def promote_read_replica(self, db_kwargs):
    database = self.databases[db_kwargs["db_instance_identifier"]]
    if database.status != "available":
        raise RDSClientError(
            "InvalidDBInstanceState",
            "DB instance " + database.db_instance_identifier + " is not in available state (" + database.status + ").")
    if database.is_replica and database.db_instance_identifier.startswith("slow-"):
        database.status = "modifying"
        timer = threading.Timer(SLOW_SECONDS, lambda: rebooting(self, database, db_kwargs))
        timer.daemon = True
        timer.start()
        return database
    return promoted(self, database, db_kwargs)


def rebooting(self, database, db_kwargs):
    promoted(self, database, db_kwargs)
    database.status = "rebooting"
    timer = threading.Timer(1.0, lambda: setattr(database, "status", "available"))
    timer.daemon = True
    timer.start()


def promoted(self, database, db_kwargs):
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
    database.status = "available"
    return database


models.RDSBackend.promote_read_replica = promote_read_replica

if __name__ == "__main__":
    sys.exit(main())
