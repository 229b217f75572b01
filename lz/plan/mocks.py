"""Deterministic stand-ins for the cloud providers while a real program runs offline.

Every fake value is derived from the resource's URN or the invoke's arguments, never from a
counter or a clock, so the same program and config always give byte-identical plans even though
the SDK registers resources from a thread pool in varying order.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pulumi

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "eu-west-2"
DEFAULT_AZURE_SUBSCRIPTION = "00000000-0000-4000-8000-000000000000"
DEFAULT_AZURE_TENANT = "00000000-0000-4000-8000-00000000face"

#: Resolves `org/project/stack` to that stack's planned outputs, or raises LookupError.
StackOutputsResolver = Callable[[str], Mapping[str, Any]]


def digest(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def fake_uuid(text: str) -> str:
    h = hashlib.sha256(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


#: AWS properties holding an IAM-style JSON policy document (string outputs, dict inputs allowed).
_POLICY_DOCUMENT_PROPS = ("policy", "assumeRolePolicy", "accessPolicies", "keyPolicy")


def _module_of(type_token: str) -> tuple[str, str, str]:
    """Split `aws:s3/bucket:Bucket` into ("aws", "s3", "Bucket")."""
    parts = type_token.split(":")
    if len(parts) != 3:
        return (parts[0], "", parts[-1])
    pkg, mod, name = parts
    return pkg, mod.split("/")[0], name


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


class PlanMocks(pulumi.runtime.Mocks):
    """Mocks that echo inputs and add plausible, deterministic computed outputs."""

    def __init__(
        self,
        *,
        stack: str,
        config: Mapping[str, str] | None = None,
        resolve_stack_outputs: StackOutputsResolver | None = None,
    ) -> None:
        self.stack = stack
        self.config = dict(config or {})
        self.resolve_stack_outputs = resolve_stack_outputs
        self.providers: dict[str, dict[str, Any]] = {}
        self.ipam_pools: dict[str, str] = {}
        self._allocated: dict[str, set[int]] = {}
        self._lock = threading.Lock()
        self.notes: list[str] = []
        self.referenced_stacks: list[str] = []

    # -- context --------------------------------------------------------------------------------
    def _provider_inputs(self, provider_ref: str | None) -> Mapping[str, Any]:
        """Inputs of the explicit provider a resource uses (`{urn}::{id}`), empty for the default."""
        return self.providers.get(provider_ref or "", {})

    def region(self, provider_ref: str | None) -> str:
        prov = self._provider_inputs(provider_ref)
        return str(prov.get("region") or self.config.get("aws:region") or DEFAULT_REGION)

    def location(self, provider_ref: str | None) -> str:
        prov = self._provider_inputs(provider_ref)
        return str(prov.get("location") or self.config.get("azure-native:location") or "uksouth")

    def account_id(self, provider_ref: str | None) -> str:
        prov = self._provider_inputs(provider_ref)
        role = prov.get("assumeRoles") or prov.get("assumeRole")
        if isinstance(role, list) and role:
            role = role[0]
        if isinstance(role, str):
            try:
                role = json.loads(role)
            except ValueError:
                role = None
        if isinstance(role, Mapping):
            arn = str(role.get("roleArn", ""))
            parts = arn.split(":")
            if len(parts) > 4 and parts[4].isdigit():
                return parts[4]
        allowed = prov.get("allowedAccountIds") or self.config.get("aws:allowedAccountIds")
        if isinstance(allowed, str):
            try:
                allowed = json.loads(allowed)
            except ValueError:
                allowed = [allowed]
        if isinstance(allowed, list) and allowed:
            return str(allowed[0])
        return DEFAULT_ACCOUNT_ID

    def subscription_id(self, provider_ref: str | None) -> str:
        prov = self._provider_inputs(provider_ref)
        return str(
            prov.get("subscriptionId") or self.config.get("azure-native:subscriptionId") or DEFAULT_AZURE_SUBSCRIPTION
        )

    # -- resources ------------------------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        typ = args.typ
        if typ == "pulumi:pulumi:StackReference":
            return self._stack_reference(args.name, inputs)
        if args.resource_id:  # a read of an existing resource (`Resource.get`)
            return args.resource_id, inputs
        if typ.startswith("pulumi:providers:"):
            return f"{args.name}-provider-id", inputs
        pkg, mod, res = _module_of(typ)
        key = f"{self.stack}/{typ}/{args.name}"
        if pkg == "aws":
            return self._aws(key, mod, res, args, inputs)
        if pkg == "azure-native":
            return self._azure(key, mod, res, args, inputs)
        if pkg == "random":
            return self._random(key, res, args, inputs)
        return f"{args.name}-{digest(key)}", inputs

    @staticmethod
    def _random(key: str, res: str, args: pulumi.runtime.MockResourceArgs,
                inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Stand-in values for pulumi-random: derived from the URN, never random, never real."""
        out = dict(inputs)
        length = int(float(inputs.get("length") or 16))
        value = ("offline" + hashlib.sha256(key.encode()).hexdigest())[:length]
        if res in ("RandomPassword", "RandomString"):
            out["result"] = value
        elif res == "RandomId":
            raw = hashlib.sha256(key.encode()).digest()[: int(float(inputs.get("byteLength") or 8))]
            out.update(hex=raw.hex(), b64Std=base64.b64encode(raw).decode(),
                       b64Url=base64.urlsafe_b64encode(raw).decode().rstrip("="), dec=str(int.from_bytes(raw, "big")))
        elif res == "RandomUuid":
            out["result"] = fake_uuid(key)
        elif res == "RandomInteger":
            out["result"] = int(float(inputs.get("min") or 0))
        elif res in ("RandomPet", "RandomShuffle"):
            out["result"] = inputs.get("inputs") or f"offline-{digest(key, 6)}"
        return f"{args.name}-{digest(key)}", out

    def _stack_reference(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        ref = str(inputs.get("name") or name)
        if self.resolve_stack_outputs is None:
            raise LookupError(f"stack reference {ref!r}: no stack outputs are available offline")
        outputs = dict(self.resolve_stack_outputs(ref))
        self.referenced_stacks.append(ref)
        return ref, {"name": ref, "outputs": outputs, "secretOutputNames": []}

    def _aws(
        self, key: str, mod: str, res: str, args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        region = self.region(args.provider)
        account = self.account_id(args.provider)
        h = digest(key)
        phys = str(inputs.get("name") or f"{args.name}-{h[:7]}")
        out = dict(inputs)
        rid = f"{args.name}-{h}"
        arn = f"arn:aws:{mod}:{region}:{account}:{_kebab(res)}/{phys}"
        if mod == "s3" and res in ("Bucket", "BucketV2"):
            bucket = str(inputs.get("bucket") or f"{args.name}-{h[:7]}")
            rid, arn = bucket, f"arn:aws:s3:::{bucket}"
            out.update(
                bucket=bucket,
                bucketDomainName=f"{bucket}.s3.amazonaws.com",
                bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com",
                region=region,
                hostedZoneId="Z3GKZC51ZF0DB4",
            )
        elif mod == "iam":
            path = str(inputs.get("path") or "/")
            kind = {"Role": "role", "Policy": "policy", "User": "user", "Group": "group"}.get(res, _kebab(res))
            arn = f"arn:aws:iam::{account}:{kind}{path}{phys}"
            rid = phys
            out.setdefault("name", phys)
            out["uniqueId"] = "AROA" + h.upper()[:17]
        elif mod == "kms" and res == "Key":
            rid = fake_uuid(key)
            arn = f"arn:aws:kms:{region}:{account}:key/{rid}"
            out["keyId"] = rid
        elif mod == "kms" and res == "Alias":
            rid = str(inputs.get("name") or f"alias/{args.name}")
            arn = f"arn:aws:kms:{region}:{account}:{rid}"
        elif mod == "cloudfront" and res == "Distribution":
            rid = "E" + h.upper()[:13]
            arn = f"arn:aws:cloudfront::{account}:distribution/{rid}"
            out.update(domainName=f"d{h[:13]}.cloudfront.net", hostedZoneId="Z2FDTNDATAQYW2", status="Deployed")
        elif mod == "cloudfront":
            rid = "E" + h.upper()[:13]
            arn = f"arn:aws:cloudfront::{account}:{_kebab(res)}/{rid}"
            out.setdefault("etag", "E" + h.upper()[:12])
        elif mod == "rds" and res in ("Instance", "Cluster"):
            ident = str(inputs.get("identifier") or inputs.get("clusterIdentifier") or f"{args.name}-{h[:7]}")
            rid = ident
            kind = "db" if res == "Instance" else "cluster"
            arn = f"arn:aws:rds:{region}:{account}:{kind}:{ident}"
            engine = str(inputs.get("engine", "postgres"))
            port = {"postgres": 5432, "mysql": 3306}.get(engine.split("-")[0], 1433)
            address = f"{ident}.{h[:12]}.{region}.rds.amazonaws.com"
            out.update(address=address, endpoint=f"{address}:{port}", port=port, resourceId="db-" + h.upper()[:26])
        elif mod == "ec2" and res in ("Vpc", "Subnet", "SecurityGroup", "RouteTable", "InternetGateway",
                                      "NatGateway", "VpcEndpoint", "FlowLog", "Eip", "NetworkAcl",
                                      "TransitGateway", "TransitGatewayVpcAttachment", "VpcIpam",
                                      "VpcIpamPool", "VpcIpamScope", "DefaultSecurityGroup"):
            prefix = {"Vpc": "vpc", "Subnet": "subnet", "SecurityGroup": "sg", "RouteTable": "rtb",
                      "InternetGateway": "igw", "NatGateway": "nat", "VpcEndpoint": "vpce", "FlowLog": "fl",
                      "Eip": "eipalloc", "NetworkAcl": "acl", "TransitGateway": "tgw",
                      "TransitGatewayVpcAttachment": "tgw-attach", "VpcIpam": "ipam",
                      "VpcIpamPool": "ipam-pool", "VpcIpamScope": "ipam-scope",
                      "DefaultSecurityGroup": "sg"}[res]
            rid = f"{prefix}-{h}{digest(key + 'x', 9)}"
            arn = f"arn:aws:ec2:{region}:{account}:{_kebab(res)}/{rid}"
            if res == "Vpc" and not inputs.get("cidrBlock"):
                out["cidrBlock"] = self._allocate(key, inputs)
            if res == "Vpc":
                out.update(defaultSecurityGroupId=f"sg-{digest(key + 'dsg', 17)}",
                           mainRouteTableId=f"rtb-{digest(key + 'rt', 17)}",
                           defaultNetworkAclId=f"acl-{digest(key + 'acl', 17)}")
            if res == "VpcIpamScope" or res == "VpcIpam":
                out.setdefault("privateDefaultScopeId", f"ipam-scope-{digest(key + 'ps', 17)}")
                out.setdefault("publicDefaultScopeId", f"ipam-scope-{digest(key + 'pub', 17)}")
        elif mod == "ec2" and res == "VpcIpamPoolCidr":
            with self._lock:
                if inputs.get("ipamPoolId") and inputs.get("cidr"):
                    self.ipam_pools[str(inputs["ipamPoolId"])] = str(inputs["cidr"])
        elif mod == "ec2transitgateway" and res in ("TransitGateway", "VpcAttachment", "RouteTable"):
            id_prefix, arn_kind = {"TransitGateway": ("tgw", "transit-gateway"), "VpcAttachment": ("tgw-attach",
                                   "transit-gateway-attachment"),
                                   "RouteTable": ("tgw-rtb", "transit-gateway-route-table")}[res]
            rid = f"{id_prefix}-{h}{digest(key + 'x', 9)}"
            arn = f"arn:aws:ec2:{region}:{account}:{arn_kind}/{rid}"
        elif mod == "route53" and res in ("Zone", "ResolverEndpoint", "ResolverRule"):
            if res == "Zone":
                rid = "Z" + digest(key, 20).upper()
                arn = f"arn:aws:route53:::hostedzone/{rid}"
                out["zoneId"] = rid
            else:
                id_prefix, arn_kind = (("rslvr-out", "resolver-endpoint") if res == "ResolverEndpoint"
                                       else ("rslvr-rr", "resolver-rule"))
                rid = f"{id_prefix}-{h}{digest(key + 'x', 9)}"
                arn = f"arn:aws:route53resolver:{region}:{account}:{arn_kind}/{rid}"
        elif mod == "networkfirewall" and res == "Firewall":
            # One endpoint per subnet mapping, as the service reports them once the firewall is ready.
            out["firewallStatuses"] = [{"syncStates": [
                {"availabilityZone": "", "attachments": [
                    {"endpointId": f"vpce-{digest(key + str(m.get('subnetId')), 17)}", "subnetId": m.get("subnetId")}]}
                for m in inputs.get("subnetMappings") or [] if isinstance(m, Mapping)]}]
        elif mod == "organizations":
            rid, arn = self._organizations(key, res, account, inputs, out)
        elif mod == "secretsmanager" and res == "Secret":
            arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{phys}-{h[:6]}"
            rid = arn
        elif mod == "cloudwatch" and res == "LogGroup":
            arn = f"arn:aws:logs:{region}:{account}:log-group:{phys}"
            rid = phys
        elif mod == "sns" and res == "Topic":
            arn = f"arn:aws:sns:{region}:{account}:{phys}"
            rid = arn
        elif mod == "cfg" and res == "ConfigurationAggregator":
            arn = f"arn:aws:config:{region}:{account}:config-aggregator/config-aggregator-{h}"
            rid = phys
        elif mod == "guardduty" and res == "Detector":
            rid = digest(key, 32)  # GuardDuty detector ids are 32 hex characters
            arn = f"arn:aws:guardduty:{region}:{account}:detector/{rid}"
        elif mod == "cloudwatch" and res == "EventRule":
            arn = f"arn:aws:events:{region}:{account}:rule/{phys}"
            rid = phys
        out["id"] = rid
        out.setdefault("arn", arn)
        for prop in _POLICY_DOCUMENT_PROPS:
            # Policy documents may be given as dicts; the provider stores and returns JSON text.
            if isinstance(out.get(prop), Mapping):
                out[prop] = json.dumps(out[prop], sort_keys=True)
        return rid, out

    def _organizations(self, key: str, res: str, account: str, inputs: Mapping[str, Any],
                       out: dict[str, Any]) -> tuple[str, str]:
        """Organizations ids have fixed shapes (o-, r-, ou-, p-, 12-digit accounts); plans use them in ARNs."""
        org = "o-" + digest("organization", 10)
        if res == "Organization":
            root = "r-" + digest("root", 4)
            out.update(masterAccountId=account,
                       masterAccountArn=f"arn:aws:organizations::{account}:account/{org}/{account}",
                       roots=[{"id": root, "arn": f"arn:aws:organizations::{account}:root/{org}/{root}", "name": "Root",
                               "policyTypes": [{"type": t, "status": "ENABLED"}
                                               for t in inputs.get("enabledPolicyTypes") or []]}])
            return org, f"arn:aws:organizations::{account}:organization/{org}"
        if res == "OrganizationalUnit":
            rid = f"ou-{digest('root', 4)}-{digest(key, 8)}"
            return rid, f"arn:aws:organizations::{account}:ou/{org}/{rid}"
        if res == "Account":
            rid = str(int(digest(key, 12), 16) % 10**12).zfill(12)
            out.setdefault("status", "ACTIVE")
            return rid, f"arn:aws:organizations::{account}:account/{org}/{rid}"
        if res == "Policy":
            rid = "p-" + digest(key, 8)
            kind = str(inputs.get("type") or "SERVICE_CONTROL_POLICY").lower()
            return rid, f"arn:aws:organizations::{account}:policy/{org}/{kind}/{rid}"
        rid = f"{inputs.get('policyId') or inputs.get('accountId') or ''}:{inputs.get('targetId') or ''}".strip(":")
        return rid or digest(key, 12), f"arn:aws:organizations::{account}:{_kebab(res)}/{org}/{digest(key, 12)}"

    def _allocate(self, key: str, inputs: Mapping[str, Any]) -> str:
        """Give an IPAM-allocated VPC a CIDR from its pool, by a hash of its URN (not by order)."""
        pool_id = str(inputs.get("ipv4IpamPoolId") or "")
        length = int(float(inputs.get("ipv4NetmaskLength") or 24))
        pool_cidr = self.ipam_pools.get(pool_id, "10.0.0.0/8")
        net = ipaddress.ip_network(pool_cidr)
        slots = 2 ** max(length - net.prefixlen, 0)
        start = int(digest(key, 12), 16) % slots
        with self._lock:
            used = self._allocated.setdefault(pool_id, set())
            for i in range(slots):
                slot = (start + i) % slots
                if slot not in used:
                    used.add(slot)
                    break
            else:
                raise RuntimeError(f"IPAM pool {pool_cidr} has no free /{length} left")
        base = int(net.network_address) + slot * (2 ** (net.max_prefixlen - length))
        return f"{ipaddress.ip_address(base)}/{length}"

    def _azure(
        self, key: str, mod: str, res: str, args: pulumi.runtime.MockResourceArgs, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        sub = self.subscription_id(args.provider)
        rg = inputs.get("resourceGroupName")
        name_keys = [k for k in inputs if k.endswith("Name") and k != "resourceGroupName"]
        phys = str(inputs.get(name_keys[0]) if name_keys else f"{args.name}{digest(key, 6)}")
        if res == "ResourceGroup":
            phys = str(inputs.get("resourceGroupName") or f"{args.name}{digest(key, 6)}")
            rid = f"/subscriptions/{sub}/resourceGroups/{phys}"
        else:
            scope = f"/subscriptions/{sub}" + (f"/resourceGroups/{rg}" if rg else "")
            rid = f"{scope}/providers/Microsoft.{mod.capitalize()}/{res[0].lower()}{res[1:]}s/{phys}"
        out = dict(inputs)
        out.update(id=rid, name=phys, azureApiVersion=out.get("azureApiVersion", ""))
        out.setdefault("location", self.location(args.provider))
        if mod == "storage" and res == "StorageAccount":
            out["primaryEndpoints"] = {
                "blob": f"https://{phys}.blob.core.windows.net/",
                "web": f"https://{phys}.z33.web.core.windows.net/",
                "dfs": f"https://{phys}.dfs.core.windows.net/",
            }
        if "identity" in inputs and isinstance(inputs["identity"], Mapping):
            ident = dict(inputs["identity"])
            ident.setdefault("principalId", fake_uuid(key + "principal"))
            ident.setdefault("tenantId", DEFAULT_AZURE_TENANT)
            assigned = ident.get("userAssignedIdentities")
            if isinstance(assigned, list):
                # Inputs name the identities; outputs map each to its principal, as ARM returns them.
                ident["userAssignedIdentities"] = {
                    str(i): {"principalId": fake_uuid(f"{i}principal"), "clientId": fake_uuid(f"{i}client")}
                    for i in assigned
                }
            out["identity"] = ident
        return rid, out

    # -- invokes --------------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        tok = args.token
        a = args.args
        provider = args.provider
        if tok == "aws:index/getCallerIdentity:getCallerIdentity":
            acct = self.account_id(provider)
            return {"accountId": acct, "arn": f"arn:aws:sts::{acct}:assumed-role/lz-plan/offline",
                    "userId": "AROAOFFLINEPLAN:offline", "id": acct}, []
        if tok == "aws:index/getRegion:getRegion":
            region = str(a.get("region") or a.get("name") or self.region(provider))
            return {"name": region, "region": region, "id": region, "description": region,
                    "endpoint": f"ec2.{region}.amazonaws.com"}, []
        if tok == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws",
                    "reverseDnsPrefix": "com.amazonaws"}, []
        if tok == "aws:index/getAvailabilityZones:getAvailabilityZones":
            region = self.region(provider)
            names = [f"{region}{z}" for z in "abc"]
            return {"names": names, "zoneIds": [f"{region[:2]}{region.split('-')[-1]}-az{i}" for i in (1, 2, 3)],
                    "id": region, "groupNames": [region]}, []
        if tok == "aws:iam/getPolicyDocument:getPolicyDocument":
            return {"json": policy_document_json(a), "id": digest(json.dumps(a, sort_keys=True, default=str))}, []
        if tok == "aws:ec2/getAmi:getAmi":
            return {"id": "ami-" + digest(json.dumps(a, sort_keys=True, default=str), 17),
                    "architecture": "x86_64", "name": "offline-plan-image"}, []
        if tok == "aws:ssoadmin/getInstances:getInstances":
            # The organisation's Identity Center instance (enabled once by hand; there is no API to create it).
            return {"arns": [f"arn:aws:sso:::instance/ssoins-{digest('sso', 16)}"],
                    "identityStoreIds": [f"d-{digest('identity-store', 10)}"], "id": "eu-west-2"}, []
        if tok == "aws:identitystore/getGroup:getGroup":
            unique = ((a.get("alternateIdentifier") or {}).get("uniqueAttribute") or {})
            name = str(unique.get("attributeValue") or a.get("groupId") or "group")
            return {"groupId": fake_uuid(f"group:{name}"), "displayName": name,
                    "identityStoreId": a.get("identityStoreId", ""), "id": fake_uuid(f"group:{name}")}, []
        if tok == "azure-native:authorization:getClientConfig":
            return {"clientId": fake_uuid("client"), "objectId": fake_uuid("object"),
                    "subscriptionId": self.subscription_id(provider), "tenantId": DEFAULT_AZURE_TENANT}, []
        with self._lock:
            note = f"invoke {tok} has no offline answer; it returned an empty result"
            if note not in self.notes:
                self.notes.append(note)
        return {}, []


def policy_document_json(args: Mapping[str, Any]) -> str:
    """Render `aws.iam.get_policy_document` arguments as the IAM JSON the provider would return."""
    statements = []
    for st in args.get("statements") or []:
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for src, dst in (("actions", "Action"), ("notActions", "NotAction"),
                         ("resources", "Resource"), ("notResources", "NotResource")):
            vals = st.get(src)
            if vals:
                out[dst] = vals[0] if len(vals) == 1 else sorted(vals)
        for src, dst in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if st.get(src):
                principal: dict[str, Any] = {}
                for p in st[src]:
                    ids = p.get("identifiers") or []
                    principal[p["type"]] = ids[0] if len(ids) == 1 else sorted(ids)
                out[dst] = principal
        if st.get("conditions"):
            cond: dict[str, dict[str, Any]] = {}
            for c in st["conditions"]:
                vals = c.get("values") or []
                cond.setdefault(c["test"], {})[c["variable"]] = vals[0] if len(vals) == 1 else vals
            out["Condition"] = cond
        statements.append(out)
    return json.dumps({"Version": args.get("version") or "2012-10-17", "Statement": statements}, indent=2)
