<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ConfirmationScreen</name>
    <message numerus="yes">
        <location filename="../screens/confirmation.py" line="+110"/>
        <source>%n item(s) · total %1 · %2</source>
        <translation>
            <numerusform>%n item · total %1 · %2</numerusform>
            <numerusform>%n items · total %1 · %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DatabaseTab</name>
    <message numerus="yes">
        <location filename="../admin/tech/database.py" line="+165"/>
        <source>%n unsent change(s) were in the replaced data.</source>
        <translation>
            <numerusform>%n unsent change was in the replaced data.</numerusform>
            <numerusform>%n unsent changes were in the replaced data.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+37"/>
        <source>Customer details: %n order(s) finished more than %1 days ago still show the villager&apos;s name and phone number.</source>
        <translation>
            <numerusform>Customer details: %n order finished more than %1 days ago still shows the villager&apos;s name and phone number.</numerusform>
            <numerusform>Customer details: %n orders finished more than %1 days ago still show the villager&apos;s name and phone number.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>Remove the villagers&apos; names and phone numbers from %n order(s) finished more than %1 days ago? This cannot be undone.</source>
        <translation>
            <numerusform>Remove the villager&apos;s name and phone number from %n order finished more than %1 days ago? This cannot be undone.</numerusform>
            <numerusform>Remove the villagers&apos; names and phone numbers from %n orders finished more than %1 days ago? This cannot be undone.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Removed the villagers&apos; names and phone numbers from %n order(s).</source>
        <translation>
            <numerusform>Removed the villager&apos;s name and phone number from %n order.</numerusform>
            <numerusform>Removed the villagers&apos; names and phone numbers from %n orders.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DetailScreen</name>
    <message numerus="yes">
        <location filename="../screens/detail.py" line="+197"/>
        <source>✓ Added %n to the cart.</source>
        <translation>
            <numerusform>✓ Added %n piece to the cart.</numerusform>
            <numerusform>✓ Added %n pieces to the cart.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>The cart now has %n piece(s): tap Cart at the top to order.</source>
        <translation>
            <numerusform>The cart now has %n piece: tap Cart at the top to order.</numerusform>
            <numerusform>The cart now has %n pieces: tap Cart at the top to order.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message numerus="yes">
        <location filename="../window.py" line="+189"/>
        <source>Starting over in %n second(s)</source>
        <translation>
            <numerusform>Starting over in %n second</numerusform>
            <numerusform>Starting over in %n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MyOrdersScreen</name>
    <message numerus="yes">
        <location filename="../screens/myorders.py" line="+160"/>
        <source>%n order(s) for %1</source>
        <translation>
            <numerusform>%n order for %1</numerusform>
            <numerusform>%n orders for %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OwnerQueueScreen</name>
    <message numerus="yes">
        <location filename="../admin/owner_queue.py" line="+739"/>
        <source>%n parcel(s) to check in</source>
        <extracomment>The home page&apos;s bottom row (the admin area puts its practice-mode button in it).</extracomment>
        <translation>
            <numerusform>%n parcel to check in</numerusform>
            <numerusform>%n parcels to check in</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n waiting for pickup</source>
        <translation>
            <numerusform>%n waiting for pickup</numerusform>
            <numerusform>%n waiting for pickup</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n not shipped yet</source>
        <translation>
            <numerusform>%n not shipped yet</numerusform>
            <numerusform>%n not shipped yet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n order(s) need attention</source>
        <translation>
            <numerusform>%n order needs attention</numerusform>
            <numerusform>%n orders need attention</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n return(s) since the last close</source>
        <translation>
            <numerusform>%n return since last close</numerusform>
            <numerusform>%n returns since last close</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinChangeForm</name>
    <message numerus="yes">
        <location filename="../admin/pin_dialog.py" line="+483"/>
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-2"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message numerus="yes">
        <location line="-287"/>
        <source>%n second(s)</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-1"/>
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchScreen</name>
    <message numerus="yes">
        <location filename="../screens/browse.py" line="+241"/>
        <source>More than %n product(s) found</source>
        <translation>
            <numerusform>More than %n product found</numerusform>
            <numerusform>More than %n products found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n product(s) found</source>
        <translation>
            <numerusform>%n product found</numerusform>
            <numerusform>%n products found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message numerus="yes">
        <location filename="../bridge.py" line="+174"/>
        <source>%n order(s) waiting to send</source>
        <translation>
            <numerusform>%n order waiting to send</numerusform>
            <numerusform>%n orders waiting to send</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n item(s) for the owner</source>
        <translation>
            <numerusform>%n item for the shop owner</numerusform>
            <numerusform>%n items for the shop owner</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message numerus="yes">
        <location filename="../widgets.py" line="+421"/>
        <source>Cart (%n)</source>
        <translation>
            <numerusform>Cart (%n)</numerusform>
            <numerusform>Cart (%n)</numerusform>
        </translation>
    </message>
</context>
</TS>
