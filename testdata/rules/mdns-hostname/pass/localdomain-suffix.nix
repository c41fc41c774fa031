# .localdomain is not the .local mDNS zone.
{ config, lib, ... }:

{
  services.kubernetes = {
    roles = [ "node" ];
    masterAddress = "cp1.localdomain";
    kubelet.hostname = "${config.networking.hostName}.localdomain";
  };
}
