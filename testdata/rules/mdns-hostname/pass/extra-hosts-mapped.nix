# etcd names are pinned in networking.extraHosts (indented string) in the same file.
{ config, lib, ... }:

{
  networking.extraHosts = ''
    10.0.0.11 etcd-a.local
    10.0.0.12 etcd-b.local
  '';
  services.kubernetes.apiserver.etcd.servers = [
    "https://etcd-a.local:2379"
    "https://etcd-b.local:2379"
  ];
}
