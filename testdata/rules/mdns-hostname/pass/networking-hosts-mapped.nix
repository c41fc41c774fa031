# cp.local is pinned in networking.hosts in the same file, so it resolves via /etc/hosts.
{ config, lib, ... }:

{
  networking.hosts = {
    "10.0.0.10" = [ "cp.local" "cp" ];
  };
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "cp.local";
    apiserverAddress = "https://cp.local:6443";
  };
}
