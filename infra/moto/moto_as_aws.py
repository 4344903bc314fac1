"""Runs moto_server with Route 53's change batches checked and applied as Route 53 does, so Baran is run and tested
against what Route 53 does, not an emulator gap. The local stack, the compose sandbox and the tests start moto this way.

Route 53 applies a change batch whole or not at all, and refuses it (InvalidChangeBatch) when a DELETE names a record
set that does not exist or whose values are not its current ones ("Tried to delete resource record set [name='...',
type='...'] but the values provided do not match the current values"), or when a CREATE names a record set that exists
("... but it already exists"), each change seeing the batch's earlier ones (ChangeResourceRecordSets API reference).
A DELETE + CREATE batch is how a client changes a record set only if it is still as it read it. moto 5.x checks a
DELETE against its journal of past changes instead, deletes whatever set holds the name and type (with a set
identifier: that identifier's set in every name), refuses a CREATE it has seen before even when a DELETE before it in
the batch removes the set, and adds a CREATE's set beside an existing one. Here the whole batch is checked against the
zone's current record sets first, then applied. Every other behaviour is moto's own. Arguments are moto_server's
(-H host -p port).
"""
import copy
import sys

from moto.route53 import models
from moto.route53.exceptions import DnsNameInvalidForZone, InvalidActionValue, Route53ClientError
from moto.route53.utils import validate_domain_name
from moto.server import main


class ChangeRefused(Route53ClientError):
    def __init__(self, message):
        super().__init__("InvalidChangeBatch", message)


def _name(name):
    name = name.lower().replace("\\052", "*")
    return name if name.endswith(".") else name + "."


def _key(name, rr_type, set_identifier):
    return _name(name), rr_type, set_identifier


def _values(records):
    return sorted(r["Value"] if isinstance(r, dict) else r for r in records or [])


def _content(ttl, records, alias, weight):
    return {"TTL": None if alias else str(ttl), "Values": _values(records), "Alias": bool(alias),
            "Weight": None if weight is None else str(weight)}


def _check(zone, change_list):
    sets = {_key(s.name, s.type, s.set_identifier): _content(s.ttl, s.records, s.alias_target, s.weight)
            for s in zone.rrsets}
    for change in change_list:
        action = change["Action"]
        if action not in ("CREATE", "UPSERT", "DELETE"):
            raise InvalidActionValue(action)
        record_set = change["ResourceRecordSet"]
        validate_domain_name(record_set["Name"], code="InvalidChangeBatch")
        if not record_set["Name"].strip(".").lower().endswith(zone.name.strip(".").lower()):
            raise DnsNameInvalidForZone(name=record_set["Name"], zone_name=zone.name)
        key = _key(record_set["Name"], record_set["Type"], record_set.get("SetIdentifier"))
        content = _content(record_set.get("TTL"), record_set.get("ResourceRecords"), record_set.get("AliasTarget"),
                           record_set.get("Weight"))
        described = "[name='%s', type='%s'%s]" % (
            key[0], key[1], "" if key[2] is None else ", set-identifier='%s'" % key[2])
        if action == "DELETE":
            if key not in sets:
                raise ChangeRefused("Tried to delete resource record set %s but it was not found" % described)
            if sets[key] != content:
                raise ChangeRefused("Tried to delete resource record set %s but the values provided do not match "
                                    "the current values" % described)
            del sets[key]
        elif action == "CREATE" and key in sets:
            raise ChangeRefused("Tried to create resource record set %s but it already exists" % described)
        else:
            sets[key] = content


def change_resource_record_sets(self, zoneid, change_list):
    zone = self.get_hosted_zone(zoneid)
    _check(zone, change_list)
    for change in change_list:
        original = copy.deepcopy(change)
        record_set = change["ResourceRecordSet"]
        if not record_set["Name"].endswith("."):
            record_set["Name"] += "."
        key = _key(record_set["Name"], record_set["Type"], record_set.get("SetIdentifier"))
        zone.rrsets = [s for s in zone.rrsets if _key(s.name, s.type, s.set_identifier) != key]
        if change["Action"] in ("CREATE", "UPSERT"):
            if "ResourceRecords" in record_set:
                record_set["ResourceRecords"] = [r["Value"] for r in record_set["ResourceRecords"]]
            zone.add_rrset(record_set)
        zone.rr_changes.append(original)


models.Route53Backend.change_resource_record_sets = change_resource_record_sets

if __name__ == "__main__":
    sys.exit(main())
