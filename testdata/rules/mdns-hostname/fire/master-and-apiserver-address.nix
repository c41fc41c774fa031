# services.kubernetes.masterAddress (via lib.mkDefault) and apiserverAddress both point at an mDNS name. Findings: line 7 (`masterAddress = lib.mkDefault "cp.local";`), line 8 (`apiserverAddress = "https://cp.local:6443";`).
{ config, lib, pkgs, ... }:

{
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = lib.mkDefault "cp.local";
    apiserverAddress = "https://cp.local:6443";
    kubelet.extraOpts = "--fail-swap-on=false";
  };
}
