# boot.initrd.systemd.tmpfiles.settings with the path at the config-name level. Finding: line 9 (`"/run/k8s-early".d.mode = "0755";`).
{ config, lib, ... }:

{
  boot.initrd.systemd = {
    enable = true;
    emergencyAccess = false;
  };
  boot.initrd.systemd.tmpfiles.settings."/run/k8s-early".d.mode = "0755";
  boot.initrd.kernelModules = [ "overlay" "br_netfilter" ];
}
