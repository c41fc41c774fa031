# Names from config are unknown (could be anything): stay silent.
{ config, lib, pkgs, ... }:

let
  cfg = config.homelab.k8s;
in
{
  services.kubernetes = {
    masterAddress = cfg.apiHost;
    apiserverAddress = "https://${cfg.apiHost}:6443";
    kubelet.hostname = config.networking.fqdn;
  };
  services.k3s.serverAddr = "https://${cfg.k3sServer}:6443";
}
