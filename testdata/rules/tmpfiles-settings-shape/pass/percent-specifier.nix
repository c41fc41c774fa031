# %-specifiers (%t, %S) stand for absolute directories and are fine.
{ config, lib, ... }:

{
  systemd.tmpfiles.settings.k3s = {
    "%t/k3s".d = { mode = "0755"; };
    "%S/rancher/k3s".d = {
      mode = "0700";
      user = "root";
      group = "root";
    };
  };
}
