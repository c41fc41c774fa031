# Interpolated path key from config ("${cfg.dataDir}") under a valid config name: unknown value, stay silent.
{ config, lib, ... }:

let
  cfg = config.services.etcd;
in
{
  systemd.tmpfiles.settings."10-etcd" = lib.mkIf cfg.enable {
    "${cfg.dataDir}".d = {
      mode = "0700";
      user = "etcd";
      group = "etcd";
    };
  };
}
