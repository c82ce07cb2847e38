// The systemd unit `switchboard systemd-unit` prints: the binary's own path, a dedicated
// state directory owned by a dynamic user, restart on failure, and sandboxing.
export function systemdUnit(binaryPath: string): string {
  return `[Unit]
Description=Switchboard webhook hub
Documentation=https://github.com/switchboard/switchboard
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${binaryPath} serve --data /var/lib/switchboard --host 127.0.0.1 --port 8080
# Set SWITCHBOARD_PUBLIC_URL (and optionally SWITCHBOARD_ADMIN_PASSWORD) in this file:
EnvironmentFile=-/etc/switchboard.env
Restart=on-failure
RestartSec=2
TimeoutStopSec=30
KillSignal=SIGTERM

# A throwaway user that owns only /var/lib/switchboard.
DynamicUser=yes
StateDirectory=switchboard
StateDirectoryMode=0700
UMask=0077

# Hardening: the service reads its binary, writes its state directory, and nothing else.
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
CapabilityBoundingSet=
AmbientCapabilities=
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources

[Install]
WantedBy=multi-user.target
`;
}
