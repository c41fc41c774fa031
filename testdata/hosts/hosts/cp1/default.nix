{ config, lib, pkgs, ... }:

{
  imports = [ ./hardware.nix ];

  homelab.k8s = {
    role = "control-plane";
    nodeIP = "10.0.0.10";
  };

  networking = {
    useDHCP = false;
    interfaces.eno1.ipv4.addresses = [ { address = "10.0.0.10"; prefixLength = 24; } ];
    defaultGateway = "10.0.0.1";
    nameservers = [ "10.0.0.1" ];
  };

  services.etcd = {
    dataDir = "/var/lib/etcd";
    extraConf.QUOTA_BACKEND_BYTES = "8589934592";
  };

  services.prometheus.exporters.node = {
    enable = true;
    openFirewall = true;
  };
}
