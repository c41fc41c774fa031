# A type letter where the path goes: settings.kubelet.d = { mode ...; } (the path level is missing). Finding: line 5 (`systemd.tmpfiles.settings.kubelet.d = {`).
{ config, lib, ... }:

{
  systemd.tmpfiles.settings.kubelet.d = {
    mode = "0755";
    user = "root";
  };

  systemd.services.k8s-kubelet.after = [ "systemd-tmpfiles-setup.service" ];
}
