# services.kubernetes.apiserver.etcd.servers built with map over host names; one is .local. Finding: line 7 (`"etcd-b.local"`); used at line 12 (`servers = map`).
{ config, lib, pkgs, ... }:

let
  etcdHosts = [
    "etcd-a.k8s.internal"
    "etcd-b.local"
  ];
in
{
  services.kubernetes.apiserver.etcd = {
    servers = map (h: "https://${h}:2379") etcdHosts;
    caFile = "/var/lib/kubernetes/pki/etcd-ca.pem";
  };
}
