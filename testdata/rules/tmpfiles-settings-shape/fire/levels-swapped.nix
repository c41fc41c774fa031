# Type and path levels swapped: settings."10-kubelet".d."/var/lib/kubelet". Finding: line 6 (`d."/var/lib/kubelet" = {`).
{ config, lib, ... }:

{
  systemd.tmpfiles.settings."10-kubelet" = {
    d."/var/lib/kubelet" = {
      mode = "0750";
      user = "root";
    };
  };
}
