# .local names for avahi and an nginx vhost are not Kubernetes names; the k8s settings use .internal.
{ config, lib, pkgs, ... }:

{
  services.avahi = {
    enable = true;
    nssmdns4 = true;
    publish = { enable = true; addresses = true; };
  };
  services.nginx = {
    enable = true;
    virtualHosts."printer.local".locations."/".proxyPass = "http://10.0.0.50:631";
  };
  networking.hostName = "node1";
  services.kubernetes.masterAddress = "cp1.k8s.internal";
}
